package neo4jserver

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Auto, as Heap or PageCache, asks for a size chosen from the machine's
// memory by MemorySizes; so does an empty value.
const Auto = "auto"

// MemorySizes chooses the bundled server's heap and page cache for a
// machine with total bytes of memory, following Neo4j's rule of thumb that
// RAM = heap + page cache + what the operating system and other programs
// need, without assuming the machine is Neo4j's alone (policykb and
// whatever else the user runs share it):
//
//   - reserve an eighth of the memory, at least 1 GiB, for the operating
//     system, policykb and other programs;
//   - the heap is a quarter of the rest, between 512 MiB and 8 GiB
//     (policykb's queries are aggregations that need little heap; a
//     larger heap only lengthens garbage collection);
//   - the page cache, which keeps the store in memory, is half of what
//     remains after the heap, at least 256 MiB.
//
// Sizes are rounded down to 128 MiB and written as JVM sizes ("5248m",
// "8g"). A total of 0 (unknown) gives the fixed defaults 1g and 512m.
func MemorySizes(total int64) (heap, pageCache string) {
	if total <= 0 {
		return defaultHeap, defaultCache
	}
	const mib = 1 << 20
	mem := total / mib
	reserve := max(1024, mem/8)
	rest := max(mem-reserve, 0)
	h := min(max(rest/4, 512), 8192)
	pc := max((rest-h)/2, 256)
	return jvmSize(h / 128 * 128), jvmSize(pc / 128 * 128)
}

// jvmSize writes mib MiB as a JVM size: in gigabytes when whole.
func jvmSize(mib int64) string {
	if mib%1024 == 0 {
		return strconv.FormatInt(mib/1024, 10) + "g"
	}
	return strconv.FormatInt(mib, 10) + "m"
}

// systemMemory is the memory the server may use; a variable for tests.
var systemMemory = SystemMemory

// SystemMemory returns the bytes of memory on this machine (MemTotal in
// /proc/meminfo), lowered to the control group's limit when one is set
// (a container); 0 when neither can be read (not Linux).
func SystemMemory() int64 {
	total := memTotal("/proc/meminfo")
	for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if limit, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && limit > 0 && (total == 0 || limit < total) {
			total = limit
		}
	}
	return total
}

// memTotal reads MemTotal (in kB) from a meminfo file, in bytes; 0 when
// it cannot.
func memTotal(path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var kb int64
		if n, _ := fmt.Sscanf(sc.Text(), "MemTotal: %d kB", &kb); n == 1 {
			return kb * 1024
		}
	}
	return 0
}
