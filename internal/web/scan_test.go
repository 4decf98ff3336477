package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/internal/service"
)

// scanLines builds scan output as `tlsdoctor scan --json` writes it: a
// check --json document per line, plus target and source.
func scanLines(t *testing.T, e *env) (string, map[cause.Code]int) {
	t.Helper()
	var b strings.Builder
	want := map[cause.Code]int{}
	line := 0
	add := func(doc any, target string) {
		line++
		data, _ := json.Marshal(doc)
		var m map[string]any
		json.Unmarshal(data, &m)
		m["target"], m["source"] = target, fmt.Sprintf("hosts.txt:%d", line)
		out, _ := json.Marshal(m)
		b.Write(out)
		b.WriteByte('\n')
	}
	for _, name := range []string{"ok", "expired", "expired", "chain-incomplete", "tls10-only", "refused"} {
		ep := e.lab.Endpoint(name)
		res, err := e.checker.Check(context.Background(), service.Request{Target: ep.URL()})
		if err != nil {
			t.Fatal(err)
		}
		add(res.Diagnosis, ep.URL())
		want[res.Diagnosis.Cause]++
	}
	ep := e.lab.Endpoint("tls10-only")
	res, err := e.checker.Check(context.Background(), service.Request{Target: ep.URL(), Clients: true})
	if err != nil {
		t.Fatal(err)
	}
	add(res.Clients, ep.URL())
	want[commonestFailure(res.Clients)]++
	b.WriteString("\n")                                                                                  // blank: ignored
	b.WriteString("this is not json\n")                                                                  // bad
	b.WriteString(`{"cause": "OK"}` + "\n")                                                              // bad: no target
	b.WriteString(`{"target": "https://gone.example/", "source": "hosts.txt:9", "error": "DNS"}` + "\n") // not checked
	b.WriteString(`{"target": "<script>alert(1)</script>", "cause": "OK", "summary": "<b>x</b>"}`)       // no final newline
	want[cause.OK]++
	return b.String(), want
}

func (e *env) upload(name, data string, withToken bool) (*http.Response, string) {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if withToken {
		mw.WriteField("csrf", e.csrf())
	}
	fw, _ := mw.CreateFormFile("scan", name)
	fw.Write([]byte(data))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/scans", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "text/html")
	return e.do(req)
}

func TestScanUploadGroupedByCause(t *testing.T) {
	e := newEnv(t, allowLoopback())
	data, want := scanLines(t, e)
	if resp, _ := e.upload("fleet.ndjson", data, false); resp.StatusCode != http.StatusForbidden {
		t.Errorf("upload without the CSRF token: %s", resp.Status)
	}
	if list, _ := e.store.Scans(); len(list) != 0 {
		t.Fatalf("a refused upload was stored")
	}
	resp, body := e.upload("fleet.ndjson", data, true)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %s %s", resp.Status, body)
	}
	loc := resp.Header.Get("Location")
	id := strings.TrimPrefix(loc, "/scans/")
	sum, err := e.store.Scan(id)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sum.ByCause) != fmt.Sprint(want) || sum.Errors != 1 || sum.BadN != 2 || sum.Rows != 9 || sum.Lines != 12 {
		t.Errorf("summary %+v, want by cause %v", sum, want)
	}
	_, page := e.get(loc)
	for _, s := range []string{`id="cause-CERT_EXPIRED"`, `<span class="count">2</span>`, "Not checked", "line 9: not a JSON object", `line 10: no &#34;target&#34;`,
		"hosts.txt:2", "&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b&gt;x&lt;/b&gt;"} {
		if !strings.Contains(page, s) {
			t.Errorf("the scan page lacks %q", s)
		}
	}
	if strings.Contains(page, "<script>") {
		t.Error("the scan page renders uploaded HTML")
	}
	// Failing causes come before OK.
	if strings.Index(page, `id="cause-OK"`) < strings.Index(page, `id="cause-CERT_EXPIRED"`) {
		t.Error("OK is listed before the failures")
	}
	_, filtered := e.get(loc + "?cause=CERT_EXPIRED")
	if strings.Count(filtered, `<td class="target">`) != 2 || strings.Contains(filtered, "cause-OK") {
		t.Errorf("the filtered page is not CERT_EXPIRED alone")
	}
	// A row opens as a report.
	_, row := e.get(loc + "/2")
	if !strings.Contains(row, `id="cause">CERT_EXPIRED<`) || !strings.Contains(row, "mark-expired") {
		t.Errorf("row 2 does not render as a report")
	}
	_, row = e.get(loc + "/7")
	if !strings.Contains(row, `id="clients"`) {
		t.Errorf("the clients row does not render as a clients table")
	}
	if resp, _ := e.get(loc + "/99"); resp.StatusCode != 404 {
		t.Errorf("row 99: %s", resp.Status)
	}
	_, list := e.get("/scans")
	if !strings.Contains(list, "fleet.ndjson") {
		t.Error("the scan is not listed")
	}
}

func TestScanUploadBadInput(t *testing.T) {
	e := newEnv(t, func(_ *service.Config, c *Config) { c.MaxUpload = 1 << 20 })
	for name, data := range map[string]string{
		"empty":  "",
		"binary": "\x00\x01\x02\xff\xfe",
		"json":   `{"not": "a scan"}`,
	} {
		resp, body := e.upload(name, data, true)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "no result lines") {
			t.Errorf("%s: %s", name, resp.Status)
		}
	}
	big := strings.Repeat(`{"target": "https://a.example/", "cause": "OK"}`+"\n", 30000)
	if resp, body := e.upload("big", big, true); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("1.4 MiB upload to a 1 MiB limit: %s %.300s", resp.Status, body)
	}
	long := `{"target": "x", "cause": "OK", "pad": "` + strings.Repeat("a", MaxScanLine) + `"}` + "\n" + `{"target": "y", "cause": "OK"}`
	e2 := newEnv(t)
	resp, _ := e2.upload("long", long, true)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a scan with one over-long line: %s", resp.Status)
	}
	sum, _ := e2.store.Scan(strings.TrimPrefix(resp.Header.Get("Location"), "/scans/"))
	if sum.Rows != 1 || sum.BadN != 1 || !strings.Contains(sum.Bad[0].Err, "longer than") {
		t.Errorf("summary %+v", sum)
	}
	if list, _ := e.store.Scans(); len(list) != 0 {
		t.Errorf("bad uploads were stored: %d", len(list))
	}
}

func TestBodyLimits(t *testing.T) {
	e := newEnv(t, func(_ *service.Config, c *Config) { c.MaxBody = 1024 })
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/api/v1/explain?log=1", strings.NewReader(strings.Repeat("x", 2000)))
	if resp, _ := e.do(req); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("explain body over the limit: %s", resp.Status)
	}
	// A CA bundle larger than the form limit.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", e.csrf())
	mw.WriteField("target", "https://example.com/")
	fw, _ := mw.CreateFormFile("ca_bundle", "huge.pem")
	fw.Write(bytes.Repeat([]byte("A"), maxForm+100<<10))
	mw.Close()
	req, _ = http.NewRequest(http.MethodPost, e.ts.URL+"/check", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if resp, _ := e.do(req); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("huge CA bundle: %s", resp.Status)
	}
	// A CA bundle that is not one.
	buf.Reset()
	mw = multipart.NewWriter(&buf)
	mw.WriteField("csrf", e.csrf())
	mw.WriteField("target", "https://example.com/")
	fw, _ = mw.CreateFormFile("ca_bundle", "key.pem")
	fw.Write([]byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
	mw.Close()
	req, _ = http.NewRequest(http.MethodPost, e.ts.URL+"/check", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if resp, body := e.do(req); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "CA bundle") {
		t.Errorf("a key as CA bundle: %s", resp.Status)
	}
	// A header flood.
	req, _ = http.NewRequest(http.MethodGet, e.ts.URL+"/healthz", nil)
	req.Header.Set("X-Big", strings.Repeat("a", 2<<20))
	srv := &http.Server{}
	Limits(srv)
	if srv.MaxHeaderBytes != 64<<10 || srv.ReadHeaderTimeout == 0 || srv.ReadTimeout == 0 || srv.WriteTimeout == 0 || srv.IdleTimeout == 0 {
		t.Errorf("limits %+v", srv)
	}
}

func TestStoreRetentionAndRecovery(t *testing.T) {
	dir := t.TempDir()
	s, warning, err := OpenStore(dir, time.Hour)
	if err != nil || !strings.Contains(warning, "created a new one") {
		t.Fatalf("new store: %v %q", err, warning)
	}
	now := time.Now()
	s.now = func() time.Time { return now.Add(-2 * time.Hour) }
	old := &Record{Request: RequestInfo{Target: "https://a.example/", Profile: "default"}}
	s.Put(old)
	s.PutScan("old.ndjson", strings.NewReader(`{"target": "x", "cause": "OK"}`))
	s.now = func() time.Time { return now }
	fresh := &Record{Request: RequestInfo{Target: "https://a.example/", Profile: "default"}}
	s.Put(fresh)
	results, scans, err := s.Prune()
	if err != nil || results != 1 || scans != 1 {
		t.Fatalf("prune: %d results, %d scans, %v", results, scans, err)
	}
	if _, err := s.Get(old.ID); err == nil {
		t.Error("the old result survived")
	}
	if _, err := s.Get(fresh.ID); err != nil {
		t.Error("the fresh result was deleted")
	}
	if h, _ := s.History(fresh.Request, 10); len(h) != 1 {
		t.Errorf("history %v", h)
	}
	if r, _ := s.Recent(10); len(r) != 1 {
		t.Errorf("recent %d", len(r))
	}
	s.Close()

	// Reopened: no warning, the data is there.
	s, warning, err = OpenStore(dir, time.Hour)
	if err != nil || warning != "" {
		t.Fatalf("reopen: %v %q", err, warning)
	}
	if _, err := s.Get(fresh.ID); err != nil {
		t.Error("the result did not survive a restart")
	}
	// A second server on the same directory is told, not blocked.
	if _, _, err := OpenStore(dir, time.Hour); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("second open: %v", err)
	}
	s.Close()

	// Corrupt pages: moved aside, recreated, with a warning.
	path := filepath.Join(dir, storeFile)
	data, _ := os.ReadFile(path)
	for i := 4096 * 2; i < len(data); i++ {
		data[i] ^= 0x5a
	}
	os.WriteFile(path, data, 0o600)
	s, warning, err = OpenStore(dir, time.Hour)
	if err != nil || !strings.Contains(warning, "could not be read") {
		t.Fatalf("corrupt store: %v %q", err, warning)
	}
	defer s.Close()
	if _, err := s.Get(fresh.ID); err == nil {
		t.Error("a result came back from a corrupt database")
	}
	if err := s.Put(&Record{Request: RequestInfo{Target: "x"}}); err != nil {
		t.Errorf("the new database does not work: %v", err)
	}
}
