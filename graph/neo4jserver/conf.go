package neo4jserver

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"text/template"
)

//go:embed neo4j.conf.tmpl
var confTemplate string

var confTmpl = template.Must(template.New("neo4j.conf").Option("missingkey=error").Parse(confTemplate))

// renderConf returns the neo4j.conf for cfg, which must be validated.
func renderConf(cfg Config) ([]byte, error) {
	host, _, err := splitLoopback(cfg.BoltAddr)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = confTmpl.Execute(&b, map[string]string{
		"Version":    cfg.Version,
		"ListenHost": host,
		"BoltAddr":   cfg.BoltAddr,
		"DataDir":    cfg.dataDir(),
		"LogsDir":    cfg.logsDir(),
		"RunDir":     cfg.runDir(),
		"ImportDir":  cfg.importDir(),
		"Heap":       cfg.Heap,
		"PageCache":  cfg.PageCache,
		"TxMemory":   cfg.TransactionMemory,
	})
	if err != nil {
		return nil, fmt.Errorf("neo4jserver: render neo4j.conf: %w", err)
	}
	return b.Bytes(), nil
}

// writeFileAtomic writes data to a temporary file beside path and renames it,
// so a reader never sees half a file.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
