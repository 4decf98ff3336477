package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/fleet"
	"github.com/tlsdoctor/tlsdoctor/internal/addrpolicy"
	"github.com/tlsdoctor/tlsdoctor/internal/service"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

var funcs = template.FuncMap{
	"info":   func(c cause.Code) cause.Info { return c.Info() },
	"code":   func(s string) cause.Code { return cause.Code(s) },
	"rule":   func(id string) diagnose.Rule { r, _ := diagnose.LookupRule(id); return r },
	"failed": func(c cause.Code) bool { return c.Failed() },
	"time":   func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 MST") },
	"day":    func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 MST") },
	"join":   strings.Join,
	"add":    func(a, b int) int { return a + b },
	"sub":    func(a, b int) int { return a - b },
	"query":  url.QueryEscape,
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
}

func (s *Server) parseTemplates() error {
	s.pages = map[string]*template.Template{}
	for _, name := range []string{"index", "result", "history", "scans", "scan", "scanrow", "login", "error"} {
		t, err := template.New(name).Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/report.html", "templates/"+name+".html")
		if err != nil {
			return fmt.Errorf("web: template %s: %w", name, err)
		}
		s.pages[name] = t
	}
	return nil
}

// page is what every template gets.
type page struct {
	Title   string
	CSRF    string
	Version string
	Auth    bool
	Data    any
}

// render writes a page; templates are executed into a buffer first so that
// a failure never sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	p := page{Title: title, CSRF: s.csrfToken(w, r), Version: s.cfg.Version, Auth: s.cfg.Token != "", Data: data}
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.cfg.Log.Error("template", "page", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

type errorData struct {
	Status  int
	Message string
	Hint    string
}

// fail answers an error in the form the client reads: a page for a
// browser, JSON for the API, text otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, msg, hint string) {
	switch {
	case strings.HasPrefix(r.URL.Path, "/api/"):
		writeJSONError(w, status, msg, hint)
	case wantsHTML(r) || r.Method == http.MethodPost && !strings.HasPrefix(r.URL.Path, "/probe"):
		s.render(w, r, status, "error", http.StatusText(status), errorData{status, msg, hint})
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, "error: %s\n", msg)
		if hint != "" {
			fmt.Fprintf(w, "hint: %s\n", hint)
		}
	}
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, http.StatusNotFound, "no such page", "")
}

// formData is the check form, as filled in.
type formData struct {
	Target, Profile, Connect, ServerName string
	Clients, Server                      bool
	Profiles                             []*profile.Profile
	Error, Hint                          string
}

type indexData struct {
	Form   formData
	Recent []*Record
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := formData{Target: q.Get("target"), Profile: q.Get("profile"), Connect: q.Get("connect"), ServerName: q.Get("servername"),
		Clients: q.Get("clients") == "1", Server: q.Get("server") == "1"}
	s.renderIndex(w, r, http.StatusOK, f)
}

func (s *Server) renderIndex(w http.ResponseWriter, r *http.Request, status int, f formData) {
	f.Profiles = profile.All()
	if f.Profile == "" {
		f.Profile = "default"
	}
	recent, _ := s.cfg.Store.Recent(20)
	s.render(w, r, status, "index", "Check a TLS endpoint", indexData{Form: f, Recent: recent})
}

func (s *Server) checkForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm+64<<10)
	if err := parseForm(r); err != nil {
		s.fail(w, r, http.StatusRequestEntityTooLarge, "the form is too large", fmt.Sprintf("a CA bundle upload may be at most %d KiB", maxForm>>10))
		return
	}
	f := formData{Target: strings.TrimSpace(r.FormValue("target")), Profile: r.FormValue("profile"), Connect: r.FormValue("connect"),
		ServerName: r.FormValue("servername"), Clients: r.FormValue("clients") != "", Server: r.FormValue("server") != ""}
	if !s.csrfOK(r) {
		f.Error, f.Hint = "the form expired or did not come from this page", "submit it again"
		s.renderIndex(w, r, http.StatusForbidden, f)
		return
	}
	req := service.Request{Target: f.Target, Profile: f.Profile, ServerName: f.ServerName, Clients: f.Clients, Server: f.Server, Detail: true}
	if f.Connect != "" {
		req.Connect = []string{f.Connect}
	}
	var cas []string
	if file, hdr, err := r.FormFile("ca_bundle"); err == nil {
		data, _ := io.ReadAll(io.LimitReader(file, maxForm))
		file.Close()
		if hdr.Size > 0 || len(data) > 0 {
			certs, err := fleet.ParseCertificates(data)
			if err != nil {
				f.Error, f.Hint = "CA bundle: "+err.Error(), "a CA bundle is a file of PEM 'BEGIN CERTIFICATE' blocks (or one DER certificate)"
				s.renderIndex(w, r, http.StatusBadRequest, f)
				return
			}
			req.CAs = certs
			for _, c := range certs {
				cas = append(cas, c.Subject.String())
			}
		}
	}
	rec, status, msg, hint := s.runCheck(r.Context(), req, "page", cas)
	if rec == nil {
		f.Error, f.Hint = msg, hint
		s.renderIndex(w, r, status, f)
		return
	}
	http.Redirect(w, r, "/r/"+rec.ID, http.StatusSeeOther)
}

func parseForm(r *http.Request) error {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return r.ParseMultipartForm(maxForm)
	}
	return r.ParseForm()
}

// runCheck runs and stores a check; on failure it returns the status, the
// message and the hint to show.
func (s *Server) runCheck(ctx context.Context, req service.Request, source string, cas []string) (*Record, int, string, string) {
	res, err := s.cfg.Checker.Check(ctx, req)
	if err != nil {
		status, msg, hint := checkError(err)
		return nil, status, msg, hint
	}
	rec := &Record{Source: source, JudgedAt: res.JudgedAt().UTC(), Duration: float64(res.Duration.Microseconds()) / 1000,
		Diagnosis: res.Diagnosis, Clients: res.Clients,
		Request: RequestInfo{Target: res.Target.Input, Profile: req.Profile, Connect: req.Connect, ServerName: req.ServerName,
			Clients: req.Clients, Server: req.Server, CAs: cas}}
	if rec.Request.Profile == "" {
		rec.Request.Profile = "default"
	}
	if res.Diagnosis != nil {
		for _, a := range res.Diagnosis.Artifacts {
			rec.Artifacts = append(rec.Artifacts, Artifact{Name: a.Name, Description: a.Description, Data: a.Data})
		}
	}
	if err := s.cfg.Store.Put(rec); err != nil {
		s.cfg.Log.Error("store", "error", err)
		return nil, http.StatusInternalServerError, "the result could not be stored: " + err.Error(), ""
	}
	return rec, http.StatusOK, "", ""
}

// checkError maps a Checker error to a status, a message and a hint.
func checkError(err error) (int, string, string) {
	var re *service.RequestError
	var refused *addrpolicy.RefusedError
	switch {
	case errors.As(err, &re):
		return http.StatusBadRequest, re.Error(), re.Hint
	case errors.As(err, &refused):
		return http.StatusForbidden, refused.Error(), refused.Hint()
	case errors.Is(err, service.ErrBusy):
		return http.StatusServiceUnavailable, err.Error(), "the server runs a bounded number of checks at once"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "the check did not finish in time", ""
	}
	return http.StatusInternalServerError, err.Error(), ""
}

// reportView is a stored result, laid out.
type reportView struct {
	Rec         *Record
	D           *diagnose.Diagnosis
	Chains      []chainView
	Addresses   bool // show the per-address table
	Servers     []serverView
	Clients     *clientsView
	History     []HistoryEntry
	Transitions []transition
	Permalink   string
	Recheck     string
	CheckAgain  string
}

func (s *Server) reportOf(r *http.Request, rec *Record) reportView {
	v := reportView{Rec: rec, D: rec.Diagnosis, Clients: clientsOf(rec.Clients)}
	if d := rec.Diagnosis; d != nil {
		at := rec.JudgedAt
		if !d.JudgedAt.IsZero() {
			at = d.JudgedAt
		}
		v.Chains = chainsOf(d, at)
		v.Addresses = len(d.Addresses) > 1
		servers := map[string]*diagnose.ServerReport{}
		for _, a := range d.Addresses {
			if a.Server != nil {
				servers[a.Addr] = a.Server
			}
		}
		v.Servers = serversOf(servers)
	}
	if rec.Clients != nil && len(v.Servers) == 0 {
		v.Servers = serversOf(rec.Clients.Server)
	}
	if rec.ID != "" {
		v.Permalink = absURL(r, "/r/"+rec.ID)
		h, _ := s.cfg.Store.History(rec.Request, 200)
		v.Transitions = transitions(h)
		if len(h) > 10 {
			h = h[len(h)-10:]
		}
		v.History = h
	}
	v.Recheck = recheck(rec.Request)
	v.CheckAgain = "/?" + formQuery(rec.Request).Encode()
	return v
}

// absURL makes a link absolute with the host the client used; the value
// is only ever rendered as escaped text.
func absURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

func formQuery(q RequestInfo) url.Values {
	v := url.Values{"target": {q.Target}, "profile": {q.Profile}}
	if len(q.Connect) > 0 {
		v.Set("connect", strings.Join(q.Connect, ","))
	}
	if q.ServerName != "" {
		v.Set("servername", q.ServerName)
	}
	if q.Clients {
		v.Set("clients", "1")
	}
	if q.Server {
		v.Set("server", "1")
	}
	return v
}

// recheck is the command line that repeats the check.
func recheck(q RequestInfo) string {
	parts := []string{"tlsdoctor", "check", shellQuote(q.Target)}
	if q.Profile != "" && q.Profile != "default" {
		parts = append(parts, "--profile", shellQuote(q.Profile))
	}
	for _, c := range q.Connect {
		parts = append(parts, "--connect", shellQuote(c))
	}
	if q.ServerName != "" {
		parts = append(parts, "--servername", shellQuote(q.ServerName))
	}
	if q.Clients {
		parts = append(parts, "--clients")
	}
	if q.Server {
		parts = append(parts, "--server")
	}
	if len(q.CAs) > 0 {
		parts = append(parts, "--ca-bundle", "BUNDLE.pem")
	}
	return strings.Join(parts, " ")
}

func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$&;|<>()*?[]{}`!#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func (s *Server) result(w http.ResponseWriter, r *http.Request) {
	rec, err := s.cfg.Store.Get(r.PathValue("id"))
	if err != nil {
		s.fail(w, r, http.StatusNotFound, "no such result", "results are kept for the retention period of serve --retention")
		return
	}
	title := rec.Request.Target
	if c := rec.Cause(); c != "" {
		title = string(c) + " · " + title
	}
	s.render(w, r, http.StatusOK, "result", title, s.reportOf(r, rec))
}

// artifact serves a file that fixes the problem (check --write-fix).
func (s *Server) artifact(w http.ResponseWriter, r *http.Request) {
	rec, err := s.cfg.Store.Get(r.PathValue("id"))
	if err != nil {
		s.fail(w, r, http.StatusNotFound, "no such result", "")
		return
	}
	for _, a := range rec.Artifacts {
		if a.Name == r.PathValue("name") {
			w.Header().Set("Content-Type", "application/x-pem-file")
			w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
			w.Write(a.Data)
			return
		}
	}
	s.fail(w, r, http.StatusNotFound, "no such file", "")
}

type historyData struct {
	Request     RequestInfo
	Entries     []HistoryEntry
	Transitions []transition
}

func (s *Server) history(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req := RequestInfo{Target: q.Get("target"), Profile: q.Get("profile"), ServerName: q.Get("servername")}
	if req.Profile == "" {
		req.Profile = "default"
	}
	if c := q.Get("connect"); c != "" {
		req.Connect = strings.Split(c, ",")
	}
	h, err := s.cfg.Store.History(req, 1000)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err.Error(), "")
		return
	}
	d := historyData{Request: req, Transitions: transitions(h)}
	for i := len(h) - 1; i >= 0; i-- {
		d.Entries = append(d.Entries, h[i])
	}
	s.render(w, r, http.StatusOK, "history", "History of "+req.Target, d)
}

type scansData struct {
	Scans       []*ScanSummary
	Error, Hint string
	MaxMiB      int64
}

func (s *Server) scans(w http.ResponseWriter, r *http.Request) {
	s.renderScans(w, r, http.StatusOK, "", "")
}

func (s *Server) renderScans(w http.ResponseWriter, r *http.Request, status int, msg, hint string) {
	list, _ := s.cfg.Store.Scans()
	s.render(w, r, status, "scans", "Scans", scansData{Scans: list, Error: msg, Hint: hint, MaxMiB: s.cfg.MaxUpload >> 20})
}

func (s *Server) uploadScan(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		s.renderScans(w, r, http.StatusBadRequest, "upload the scan as a file (multipart/form-data)", "")
		return
	}
	// The CSRF field comes before the file in the form, so it is read
	// (and checked) before any of the upload is stored.
	var token string
	for {
		part, err := mr.NextPart()
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				s.renderScans(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("the upload is larger than %d MiB", s.cfg.MaxUpload>>20), "split the scan's NDJSON")
				return
			}
			s.renderScans(w, r, http.StatusBadRequest, "no file in the upload", "choose the NDJSON file that tlsdoctor scan --json wrote")
			return
		}
		switch part.FormName() {
		case "csrf":
			b, _ := io.ReadAll(io.LimitReader(part, 256))
			token = string(b)
		case "scan":
			c, cerr := r.Cookie(csrfCookie)
			if cerr != nil || !hmacEqual(token, s.mac(c.Value)) {
				s.renderScans(w, r, http.StatusForbidden, "the form expired or did not come from this page", "submit it again")
				return
			}
			sum, err := s.cfg.Store.PutScan(part.FileName(), part)
			if err != nil {
				var mbe *http.MaxBytesError
				var ie *inputError
				switch {
				case errors.As(err, &mbe):
					s.renderScans(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("the upload is larger than %d MiB", s.cfg.MaxUpload>>20), "split the scan's NDJSON")
				case errors.As(err, &ie):
					s.renderScans(w, r, http.StatusBadRequest, ie.msg, "")
				default:
					s.renderScans(w, r, http.StatusInternalServerError, err.Error(), "")
				}
				return
			}
			http.Redirect(w, r, "/scans/"+sum.ID, http.StatusSeeOther)
			return
		}
	}
}

func hmacEqual(a, b string) bool { return len(a) == len(b) && equal(a, b) }

type scanGroup struct {
	Cause cause.Code
	Count int
	Rows  []ScanRow
	More  int
}

type scanData struct {
	Sum     *ScanSummary
	Groups  []scanGroup
	Errors  []ScanRow
	Filter  string
	Offset  int
	Next    int
	Prev    int
	PerPage int
}

func (s *Server) scan(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	sum, err := s.cfg.Store.Scan(id)
	if err != nil {
		s.fail(w, r, http.StatusNotFound, "no such scan", "scans are kept for the retention period of serve --retention")
		return
	}
	const perGroup, perPage = 20, 200
	d := scanData{Sum: sum, Filter: r.URL.Query().Get("cause"), PerPage: perPage}
	if d.Filter != "" {
		d.Offset, _ = strconv.Atoi(r.URL.Query().Get("offset"))
		d.Offset = max(0, d.Offset)
		rows, total, _ := s.cfg.Store.ScanRows(id, cause.Code(d.Filter), false, d.Offset, perPage)
		d.Groups = []scanGroup{{Cause: cause.Code(d.Filter), Count: total, Rows: rows}}
		if d.Offset+perPage < total {
			d.Next = d.Offset + perPage
		}
		d.Prev = max(0, d.Offset-perPage)
	} else {
		for _, c := range sortedCauses(sum.ByCause) {
			rows, total, _ := s.cfg.Store.ScanRows(id, c, false, 0, perGroup)
			d.Groups = append(d.Groups, scanGroup{Cause: c, Count: total, Rows: rows, More: total - len(rows)})
		}
		if sum.Errors > 0 {
			d.Errors, _, _ = s.cfg.Store.ScanRows(id, "", true, 0, perPage)
		}
	}
	s.render(w, r, http.StatusOK, "scan", "Scan "+sum.Name, d)
}

// sortedCauses orders failing causes by count, OK last.
func sortedCauses(by map[cause.Code]int) []cause.Code {
	var out []cause.Code
	for c := range by {
		out = append(out, c)
	}
	less := func(a, b cause.Code) bool {
		if (a == cause.OK) != (b == cause.OK) {
			return b == cause.OK
		}
		if by[a] != by[b] {
			return by[a] > by[b]
		}
		return a < b
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && less(out[j], out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

type scanRowData struct {
	ScanID string
	Row    *ScanRow
	Report *reportView
}

func (s *Server) scanRow(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	line, err := strconv.Atoi(r.PathValue("line"))
	row, err2 := s.cfg.Store.ScanRow(id, line)
	if err != nil || err2 != nil {
		s.fail(w, r, http.StatusNotFound, "no such line in this scan", "")
		return
	}
	d := scanRowData{ScanID: id, Row: row}
	var doc struct {
		diagnose.Diagnosis
		Clients []diagnose.ClientVerdict          `json:"clients"`
		Server  map[string]*diagnose.ServerReport `json:"server"`
	}
	if row.Error == "" && json.Unmarshal(row.Doc, &doc) == nil {
		// The scan ran before its upload: certificates are marked as of then.
		at := time.Now()
		if sum, err := s.cfg.Store.Scan(id); err == nil {
			at = sum.Created
		}
		rec := &Record{Request: RequestInfo{Target: row.Target, Profile: doc.Profile}, JudgedAt: at}
		if doc.Clients != nil {
			m := diagnose.NewClientMatrix(row.Target, doc.Clients)
			m.Server = doc.Server
			rec.Clients = m
		} else {
			dd := doc.Diagnosis
			rec.Diagnosis = &dd
		}
		v := s.reportOf(r, rec)
		d.Report = &v
	}
	s.render(w, r, http.StatusOK, "scanrow", row.Target, d)
}

type loginData struct {
	Next  string
	Error string
}

func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Token == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", "Sign in", loginData{Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil || s.cfg.Token == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	next := safeNext(r.FormValue("next"))
	if !s.csrfOK(r) {
		s.render(w, r, http.StatusForbidden, "login", "Sign in", loginData{Next: next, Error: "the form expired; submit it again"})
		return
	}
	if !equal(strings.TrimSpace(r.FormValue("token")), s.cfg.Token) {
		s.render(w, r, http.StatusUnauthorized, "login", "Sign in", loginData{Next: next, Error: "wrong token"})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: s.session(), Path: "/", HttpOnly: true, Secure: s.cfg.Secure,
		SameSite: http.SameSiteStrictMode, MaxAge: 30 * 24 * 3600})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
