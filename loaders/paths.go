package loaders

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"
)

// confine resolves a path read from an input file (the manifest's file
// column), relative to dir (the folder of that input file) unless it is
// absolute, and checks that it lies inside dir. Symbolic links are resolved
// first, in dir and along the path alike (a .. after a link climbs from
// the link's target, as the system does), so that neither ../ nor a link
// leads out. It returns the resolved path, the one to open. A path that
// does not exist is checked as written, and returned as written, for
// reading it to report it missing.
func confine(dir, path string) (string, error) {
	raw := path
	if !filepath.IsAbs(raw) {
		// Not filepath.Join, which would clean a/link/../b into a/b.
		raw = dir + string(filepath.Separator) + path
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return raw, err
	}
	root, err := filepath.EvalSymlinks(absDir)
	if err != nil {
		return raw, fmt.Errorf("cannot resolve the folder %s: %v", dir, err)
	}
	real, err := filepath.EvalSymlinks(raw)
	switch {
	case err == nil:
		if real, err = filepath.Abs(real); err != nil {
			return raw, err
		}
		if !within(root, real) {
			return raw, outside(path, real, root)
		}
		return real, nil
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		lexical, err := filepath.Abs(raw)
		if err != nil {
			return raw, err
		}
		if !within(root, lexical) && !within(absDir, lexical) {
			return raw, outside(path, lexical, root)
		}
		return raw, nil
	}
	return raw, fmt.Errorf("cannot resolve %q: %v", path, err)
}

func outside(path, real, root string) error {
	return fmt.Errorf("%q leads to %s, outside the manifest's folder %s: a document file must lie inside the folder of the manifest that lists it (or load with --allow-outside-paths)",
		path, real, root)
}

// within reports whether path is root or below it (both absolute).
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return false
	}
	return rel == "." || rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
