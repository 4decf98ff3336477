package web

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/explain"
	"github.com/tlsdoctor/tlsdoctor/internal/service"
	"github.com/tlsdoctor/tlsdoctor/report"
)

// apiError is the body of every API error.
type apiError struct {
	Error string `json:"error"`
	Hint  string `json:"hint,omitempty"`
}

func writeJSONError(w http.ResponseWriter, status int, msg, hint string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	report.JSON(w, apiError{msg, hint})
}

func writeJSON(w http.ResponseWriter, v any) {
	var buf bytes.Buffer
	report.JSON(&buf, v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// boolParam reads a boolean query parameter: 1, true or yes; 0, false, no or
// absent.
func boolParam(q map[string][]string, name string) (bool, error) {
	v := ""
	if vs := q[name]; len(vs) > 0 {
		v = vs[len(vs)-1]
	}
	switch strings.ToLower(v) {
	case "", "0", "false", "no":
		return false, nil
	case "1", "true", "yes":
		return true, nil
	}
	return false, fmt.Errorf("%s=%q: want 1 or 0", name, v)
}

// apiCheck runs a check and answers the `tlsdoctor check --json` document
// (with clients=1, the `check --clients --json` one). The result is stored:
// Content-Location names it in the API, Link on the page.
func (s *Server) apiCheck(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req := service.Request{Target: q.Get("target"), Profile: q.Get("profile"), ServerName: q.Get("servername"), Connect: q["connect"]}
	var err error
	if req.Target == "" {
		writeJSONError(w, http.StatusBadRequest, "target is required", "GET /api/v1/check?target=https://host:port/path")
		return
	}
	if req.Clients, err = boolParam(q, "clients"); err == nil {
		req.Server, err = boolParam(q, "server")
	}
	if err == nil && q.Get("timeout") != "" {
		req.Timeout, err = time.ParseDuration(q.Get("timeout"))
	}
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, err.Error(), "")
		return
	}
	rec, status, msg, hint := s.runCheck(r.Context(), req, "api", nil)
	if rec == nil {
		writeJSONError(w, status, msg, hint)
		return
	}
	w.Header().Set("Content-Location", "/api/v1/results/"+rec.ID)
	w.Header().Set("Link", fmt.Sprintf(`</r/%s>; rel="alternate"; type="text/html"`, rec.ID))
	if rec.Clients != nil {
		writeJSON(w, rec.Clients)
		return
	}
	writeJSON(w, rec.Diagnosis)
}

// The explain documents, shaped exactly as `tlsdoctor explain --json`
// prints them (without --probe).
type explainedLog struct {
	*explain.Summary
	Groups []explainedGroup `json:"groups"`
}

type explainedGroup struct {
	*explain.Group
}

// apiExplain explains a message (the body) or, with log=1, every failure
// in a log.
func (s *Server) apiExplain(w http.ResponseWriter, r *http.Request) {
	asLog, err := boolParam(r.URL.Query(), "log")
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, err.Error(), "")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeJSONError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d MiB", s.cfg.MaxBody>>20), "send a shorter excerpt of the log")
			return
		}
		writeJSONError(w, http.StatusBadRequest, err.Error(), "")
		return
	}
	if !asLog {
		if len(bytes.TrimSpace(body)) == 0 {
			writeJSONError(w, http.StatusBadRequest, "the body is empty", "POST the error message as the body (text/plain); log=1 reads it as a log")
			return
		}
		writeJSON(w, explain.Explain(string(body)))
		return
	}
	sum, err := explain.ReadLog(bytes.NewReader(body), nil)
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, err.Error(), "a log is text lines, newline-delimited JSON, or one JSON document")
		return
	}
	out := explainedLog{Summary: sum, Groups: []explainedGroup{}}
	for _, g := range sum.Groups {
		out.Groups = append(out.Groups, explainedGroup{g})
	}
	writeJSON(w, out)
}

func (s *Server) apiResult(w http.ResponseWriter, r *http.Request) {
	rec, err := s.cfg.Store.Get(r.PathValue("id"))
	if err != nil {
		writeJSONError(w, http.StatusNotFound, "no such result", "results are kept for the retention period of serve --retention")
		return
	}
	w.Header().Set("Link", fmt.Sprintf(`</r/%s>; rel="alternate"; type="text/html"`, rec.ID))
	writeJSON(w, rec)
}

//go:embed openapi.json
var openapiJSON []byte

// OpenAPI returns the API description, with the cause catalog as the
// enumeration of cause codes.
var OpenAPI = sync.OnceValue(func() []byte {
	var doc map[string]any
	if err := json.Unmarshal(openapiJSON, &doc); err != nil {
		panic("web: openapi.json: " + err.Error())
	}
	var codes []string
	for _, in := range cause.All() {
		codes = append(codes, string(in.Code))
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	schemas["Cause"].(map[string]any)["enum"] = codes
	var buf bytes.Buffer
	report.JSON(&buf, doc)
	return buf.Bytes()
})

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Content-Length", strconv.Itoa(len(OpenAPI())))
	w.Write(OpenAPI())
}
