package resolvers

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/exports"
)

// exportCommitSize is how much of an export is held back before the
// response starts: an error that comes before it (bad input found by the
// database, a timeout, Neo4j down) still gets a proper status; one that
// comes later aborts the response, so the client sees a broken transfer,
// never a short file that looks whole.
const exportCommitSize = 64 << 10

// serveExport answers GET /export/{table}.{format}: the flat tables of
// package exports as CSV, XLSX or JSON, with the parameters of
// exports.ParseRequest as query parameters. Bad parameters get 400 with a
// coded error naming the parameter; the request is bounded by the server's
// timeout like a GraphQL request.
func (h *Handler) serveExport(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	table, ext, ok := strings.Cut(file, ".")
	if !ok {
		h.refuse(w, http.StatusNotFound, &apiError{Code: policykb.ENotFound,
			Message: "no such export: use /export/{table}.{csv|xlsx|json}, table one of " + exportTables()})
		return
	}
	format, err := exports.ParseFormat(ext)
	if err != nil {
		h.refuse(w, http.StatusNotFound, &apiError{Code: policykb.ENotFound,
			Message: "no such export format " + strings.TrimSpace(ext) + ": use .csv, .xlsx or .json"})
		return
	}
	if _, err := exports.ParseTable(table); err != nil {
		h.refuse(w, http.StatusNotFound, &apiError{Code: policykb.ENotFound,
			Message: "no such export table " + table + ": use " + exportTables()})
		return
	}
	req, err := exports.ParseRequest(table, r.URL.Query())
	if err != nil {
		var pe *policykb.Error
		if errors.As(err, &pe) {
			h.refuse(w, http.StatusBadRequest, badInput(pe.Argument, "%s", strings.TrimPrefix(pe.Message, "exports: ")))
			return
		}
		h.refuse(w, http.StatusBadRequest, badInput("", "%v", err))
		return
	}

	ctx, cancel := context.WithTimeout(r.Context(), h.opts.Timeout)
	defer cancel()
	out := &exportWriter{w: w}
	name := req.FileName(format)
	hdr := w.Header()
	hdr.Set("Content-Type", format.ContentType())
	hdr.Set("Content-Disposition", `attachment; filename="`+name+`"; filename*=UTF-8''`+url.PathEscape(name))
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	start := time.Now()
	n, err := exports.Write(ctx, h.store, req, format, out)
	if err != nil {
		if !out.committed {
			// Nothing sent: undo the file headers and answer with the error.
			hdr.Del("Content-Disposition")
			ae := classify(ctx, h.log, err)
			status := http.StatusInternalServerError
			switch ae.Code {
			case policykb.EInvalid:
				status = http.StatusBadRequest
			case policykb.ENotFound:
				status = http.StatusNotFound
			case policykb.EUnavailable:
				status = http.StatusServiceUnavailable
			case policykb.ETimeout:
				status = http.StatusGatewayTimeout
			}
			h.refuse(w, status, ae)
			return
		}
		h.log.ErrorContext(ctx, "export: failed after the response began; aborting it",
			"file", name, "rows", n, "err", err)
		panic(http.ErrAbortHandler)
	}
	if err := out.finish(); err != nil {
		h.log.WarnContext(ctx, "export: write response", "file", name, "err", err)
		return
	}
	h.log.DebugContext(ctx, "export", "file", name, "rows", n, "took", time.Since(start).Round(time.Millisecond))
}

// exportTables lists the export tables for messages.
func exportTables() string {
	names := make([]string, len(exports.Tables))
	for i, t := range exports.Tables {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// exportWriter holds back the first exportCommitSize bytes of a response.
type exportWriter struct {
	w         http.ResponseWriter
	buf       bytes.Buffer
	committed bool
}

func (e *exportWriter) Write(p []byte) (int, error) {
	if e.committed {
		return e.w.Write(p)
	}
	e.buf.Write(p)
	if e.buf.Len() >= exportCommitSize {
		if err := e.commit(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func (e *exportWriter) commit() error {
	e.committed = true
	e.w.WriteHeader(http.StatusOK)
	_, err := e.w.Write(e.buf.Bytes())
	e.buf = bytes.Buffer{}
	return err
}

// finish sends what is held back.
func (e *exportWriter) finish() error {
	if e.committed {
		return nil
	}
	return e.commit()
}
