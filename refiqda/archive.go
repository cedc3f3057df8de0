package refiqda

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// DefaultMaxBytes is the default cap on the bytes an archive may expand to.
const DefaultMaxBytes int64 = 512 << 20

// ErrTooLarge is wrapped by the error of an archive whose entries expand
// past the cap.
var ErrTooLarge = errors.New("refiqda: the archive expands past the size limit")

// ErrMissing is wrapped by the error of ReadEntry for an entry the
// archive does not hold.
var ErrMissing = errors.New("not in the archive")

// ErrUnsafeEntry is wrapped by the error of an archive holding an entry
// whose name escapes the archive root (zip-slip).
var ErrUnsafeEntry = errors.New("refiqda: an entry escapes the archive")

// Archive is an open .qdpx file. Entries are read on demand; together they
// may not expand past MaxBytes (the bytes actually read are counted, not the
// sizes the zip headers claim).
type Archive struct {
	zr       *zip.ReadCloser
	file     string
	maxBytes int64
	read     int64
	byName   map[string]*zip.File // cleaned name → entry
	byLower  map[string]string    // lower-cased cleaned name → cleaned name
	// QDE is the name of the project file inside the archive.
	QDE string
}

// OpenArchive opens a .qdpx archive. It refuses an archive with an entry
// whose name is absolute or climbs out of the root (../, a drive letter, a
// backslash path that does), and one without a *.qde file. maxBytes <= 0
// means DefaultMaxBytes.
func OpenArchive(file string, maxBytes int64) (*Archive, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	zr, err := zip.OpenReader(file)
	if err != nil {
		return nil, fmt.Errorf("refiqda: %s is not a zip archive (a .qdpx file is one): %w", file, err)
	}
	a := &Archive{zr: zr, file: file, maxBytes: maxBytes, byName: map[string]*zip.File{}, byLower: map[string]string{}}
	var qdes []string
	for _, f := range zr.File {
		name, ok := cleanEntry(f.Name)
		if !ok {
			zr.Close()
			return nil, fmt.Errorf("%w: %s holds %q, which would be written outside the folder it is unpacked in; refusing the whole file", ErrUnsafeEntry, file, f.Name)
		}
		if f.FileInfo().IsDir() {
			continue
		}
		a.byName[name] = f
		a.byLower[strings.ToLower(name)] = name
		if strings.HasSuffix(strings.ToLower(name), ".qde") {
			qdes = append(qdes, name)
		}
	}
	if len(qdes) == 0 {
		zr.Close()
		return nil, fmt.Errorf("refiqda: %s holds no .qde project file: is it a REFI-QDA project (.qdpx)?", file)
	}
	// Prefer a project file at the root, then the shortest name.
	sort.Slice(qdes, func(i, j int) bool {
		di, dj := strings.Count(qdes[i], "/"), strings.Count(qdes[j], "/")
		if di != dj {
			return di < dj
		}
		return qdes[i] < qdes[j]
	})
	a.QDE = qdes[0]
	return a, nil
}

// cleanEntry returns the slash-separated name of an entry relative to the
// archive root, and false when the name is absolute, escapes the root or
// names the root itself.
func cleanEntry(name string) (string, bool) {
	n := strings.ReplaceAll(name, "\\", "/")
	if n == "" || strings.HasPrefix(n, "/") || (len(n) >= 2 && n[1] == ':') || strings.ContainsRune(n, 0) {
		return "", false
	}
	c := path.Clean(n)
	if c == "." || c == ".." || strings.HasPrefix(c, "../") {
		return "", false
	}
	return c, true
}

// Close closes the archive.
func (a *Archive) Close() error { return a.zr.Close() }

// BytesRead is the number of uncompressed bytes read so far.
func (a *Archive) BytesRead() int64 { return a.read }

// ReadEntry reads an entry by its cleaned name, matching case-insensitively
// when there is no exact match. It fails with ErrTooLarge once the entries
// read expand past the cap, and with ErrMissing when the entry is missing.
func (a *Archive) ReadEntry(name string) ([]byte, error) {
	f := a.byName[name]
	if f == nil {
		f = a.byName[a.byLower[strings.ToLower(name)]]
	}
	if f == nil {
		return nil, fmt.Errorf("refiqda: %s: %w", name, ErrMissing)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("refiqda: open %s in %s: %w", name, a.file, err)
	}
	defer rc.Close()
	left := a.maxBytes - a.read
	b, err := io.ReadAll(io.LimitReader(rc, left+1))
	a.read += int64(len(b))
	if int64(len(b)) > left {
		return nil, fmt.Errorf("%w: %s expands past %d bytes (at %s); raise import.max_bytes (--max-size) if the file is trusted", ErrTooLarge, a.file, a.maxBytes, name)
	}
	if err != nil {
		return nil, fmt.Errorf("refiqda: read %s in %s: %w", name, a.file, err)
	}
	return b, nil
}

// SourcePath resolves a source's plainTextPath to an entry name: an
// internal:// path is looked up in the sources folder (sources/ or
// Sources/); a bare name (as some tools write, against the standard) too,
// with a note saying so. relative:// and absolute:// paths are outside the
// archive: ok is false.
func (a *Archive) SourcePath(plainTextPath string) (entry, note string, ok bool) {
	p := strings.TrimSpace(plainTextPath)
	switch {
	case strings.HasPrefix(strings.ToLower(p), "internal://"):
		p = p[len("internal://"):]
	case strings.Contains(p, "://"):
		return "", "", false
	default:
		note = fmt.Sprintf("plainTextPath %q lacks the internal:// prefix the standard requires; read from the sources folder", plainTextPath)
	}
	name, safe := cleanEntry(p)
	if !safe {
		return "", note, false
	}
	for _, dir := range []string{"sources/", "Sources/", ""} {
		cand := dir + name
		if a.byName[cand] != nil {
			return cand, note, true
		}
		if real, ok := a.byLower[strings.ToLower(cand)]; ok {
			return real, note, true
		}
	}
	return "sources/" + name, note, true
}
