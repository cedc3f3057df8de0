package refiqda

import (
	"crypto/sha1"
	"fmt"
)

// namespace is the UUID namespace of policykb's derived GUIDs (a random
// UUID fixed once).
var namespace = [16]byte{0x8f, 0x3c, 0x5e, 0x21, 0x4a, 0x7b, 0x4c, 0x19, 0x9d, 0x02, 0x6e, 0x55, 0xa1, 0xc4, 0x3b, 0x70}

// GUIDFor returns a stable GUID for a policykb object of a kind ("code",
// "source", "user", "case", ...) with the given id: the id itself when it
// already is a GUID (so a project imported from a tool keeps its GUIDs when
// exported again), otherwise a name-based UUID (version 5: SHA-1 of the
// namespace, the kind and the id), lower case. Equal inputs give equal
// GUIDs, run after run.
func GUIDFor(kind, id string) string {
	if IsGUID(id) {
		return NormGUID(id)
	}
	h := sha1.New()
	h.Write(namespace[:])
	h.Write([]byte(kind + "\x00" + id))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// FrameCodeGUID is the GUID of a code of a policykb coding frame in an
// export: the code's id when it is a GUID (a code made in a QDA program
// and imported), else a name-based GUID of the frame's id and the code's,
// so that exporting twice gives the same GUIDs.
func FrameCodeGUID(frame, code string) string {
	if IsGUID(code) {
		return NormGUID(code)
	}
	return GUIDFor("frame-code", frame+"/"+code)
}
