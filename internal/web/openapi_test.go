package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/internal/exporter"
)

// validate checks v against a JSON Schema of the subset the OpenAPI
// description uses: $ref, type (one or several), properties, required,
// items, enum, oneOf, additionalProperties, pattern.
func validate(doc map[string]any, schema map[string]any, v any, path string) []string {
	if ref, ok := schema["$ref"].(string); ok {
		target := any(doc)
		for _, p := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			target = target.(map[string]any)[p]
		}
		return validate(doc, target.(map[string]any), v, path)
	}
	if one, ok := schema["oneOf"].([]any); ok {
		matched := 0
		for _, s := range one {
			if len(validate(doc, s.(map[string]any), v, path)) == 0 {
				matched++
			}
		}
		if matched != 1 {
			return []string{fmt.Sprintf("%s: matches %d of oneOf, want 1", path, matched)}
		}
		return nil
	}
	var errs []string
	if t, ok := schema["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		}
		if !slices.Contains(types, jsonType(v)) && !(jsonType(v) == "integer" && slices.Contains(types, "number")) {
			return []string{fmt.Sprintf("%s: %s, want %v", path, jsonType(v), types)}
		}
	}
	if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, v) {
		errs = append(errs, fmt.Sprintf("%s: %v not in the enum", path, v))
	}
	if p, ok := schema["pattern"].(string); ok {
		if s, ok := v.(string); ok && !regexp.MustCompile(p).MatchString(s) {
			errs = append(errs, fmt.Sprintf("%s: %q does not match %s", path, s, p))
		}
	}
	switch v := v.(type) {
	case map[string]any:
		for _, r := range asList(schema["required"]) {
			if _, ok := v[r.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: %s is required", path, r))
			}
		}
		props, _ := schema["properties"].(map[string]any)
		for k, x := range v {
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, validate(doc, ps, x, path+"."+k)...)
			} else if ap, ok := schema["additionalProperties"].(map[string]any); ok {
				errs = append(errs, validate(doc, ap, x, path+"."+k)...)
			}
		}
	case []any:
		if items, ok := schema["items"].(map[string]any); ok {
			for i, x := range v {
				errs = append(errs, validate(doc, items, x, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	}
	return errs
}

func asList(v any) []any { l, _ := v.([]any); return l }

func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if v == float64(int64(v)) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}

// The OpenAPI description is tested against the handlers: every operation
// it lists is served, every status a handler answers is documented, and
// every JSON body validates against the documented schema.
func TestOpenAPIDescribesTheHandlers(t *testing.T) {
	const token = "openapi-test-token-0123456789abcdef"
	e := newEnv(t, allowLoopback())
	// The exporter's routes, mounted as serve mounts them.
	ex := exporter.New(exporter.Config{Checker: e.checker, Version: "test"})
	srv, err := New(Config{Checker: e.checker, Store: e.store, Version: "test", Token: token, Rate: 1000, Burst: 40,
		Mount: map[string]http.Handler{"GET /probe": ex.Probe(), "GET /metrics": ex.Metrics()}})
	if err != nil {
		t.Fatal(err)
	}
	e.server, e.ts = srv, httptest.NewServer(srv)
	defer e.ts.Close()

	resp, body := e.get("/api/v1/openapi.json", "Authorization", "Bearer "+token)
	var doc map[string]any
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &doc) != nil {
		t.Fatalf("openapi.json: %s", resp.Status)
	}
	var codes []any
	for _, in := range cause.All() {
		codes = append(codes, string(in.Code))
	}
	enum := doc["components"].(map[string]any)["schemas"].(map[string]any)["Cause"].(map[string]any)["enum"]
	if fmt.Sprint(enum) != fmt.Sprint(codes) {
		t.Errorf("the Cause enum is not the catalog: %v", enum)
	}
	paths := doc["paths"].(map[string]any)

	// Every route but the pages and assets is documented, and the reverse.
	documented := map[string]bool{}
	for p, ops := range paths {
		for m := range ops.(map[string]any) {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	pages := regexp.MustCompile(`^(GET|POST) /(\{\$\}|check|r/|history|scans|login|static/)`)
	served := map[string]bool{}
	for _, r := range srv.Routes() {
		norm := r
		if pages.MatchString(norm) {
			continue
		}
		served[norm] = true
		if !documented[norm] {
			t.Errorf("route %s is not in the OpenAPI description", r)
		}
	}
	for op := range documented {
		if !served[op] {
			t.Errorf("%s is documented but not served", op)
		}
	}

	ok := url.QueryEscape(e.lab.Endpoint("ok").URL())
	tls10 := url.QueryEscape(e.lab.Endpoint("tls10-only").URL())
	auth := []string{"Authorization", "Bearer " + token}
	type call struct {
		method, path, query, body string
		header                    []string
		want                      int
	}
	var id string
	calls := []call{
		{"GET", "/api/v1/check", "target=" + ok, "", auth, 200},
		{"GET", "/api/v1/check", "clients=1&target=" + tls10, "", auth, 200},
		{"GET", "/api/v1/check", "target=http://x/", "", auth, 400},
		{"GET", "/api/v1/check", "target=https://10.0.0.1/", "", auth, 403},
		{"GET", "/api/v1/check", "target=" + ok, "", nil, 401},
		{"POST", "/api/v1/explain", "", "x509: certificate signed by unknown authority", auth, 200},
		{"POST", "/api/v1/explain", "log=1", "x509: certificate signed by unknown authority\nok\n", auth, 200},
		{"POST", "/api/v1/explain", "", "", auth, 400},
		{"POST", "/api/v1/explain", "log=2", "x", auth, 400},
		{"GET", "/api/v1/results/{id}", "", "", auth, 200},
		{"GET", "/api/v1/results/aaaaaaaaaaaaaaaa", "", "", auth, 404},
		{"GET", "/api/v1/openapi.json", "", "", auth, 200},
		{"GET", "/api/v1/openapi.json", "", "", nil, 401},
		{"GET", "/probe", "target=" + ok, "", auth, 200},
		{"GET", "/probe", "", "", auth, 400},
		{"GET", "/probe", "target=https://10.0.0.1/", "", auth, 403},
		{"GET", "/metrics", "", "", auth, 200},
		{"GET", "/healthz", "", "", nil, 200},
	}
	seen := map[string]bool{}
	for _, c := range calls {
		path := strings.ReplaceAll(c.path, "{id}", id)
		req, _ := http.NewRequest(c.method, e.ts.URL+path+"?"+c.query, strings.NewReader(c.body))
		for i := 0; i+1 < len(c.header); i += 2 {
			req.Header.Set(c.header[i], c.header[i+1])
		}
		resp, body := e.do(req)
		if resp.StatusCode != c.want {
			t.Errorf("%s %s?%s: %s, want %d: %.200s", c.method, path, c.query, resp.Status, c.want, body)
			continue
		}
		if loc := resp.Header.Get("Content-Location"); id == "" && strings.HasPrefix(loc, "/api/v1/results/") {
			id = strings.TrimPrefix(loc, "/api/v1/results/")
		}
		// The operation: the documented path this request is.
		key := c.path
		if strings.HasPrefix(key, "/api/v1/results/") {
			key = "/api/v1/results/{id}"
		}
		op, _ := paths[key].(map[string]any)[strings.ToLower(c.method)].(map[string]any)
		if op == nil {
			t.Errorf("%s %s is not documented", c.method, key)
			continue
		}
		seen[c.method+" "+key] = true
		r, ok := op["responses"].(map[string]any)[fmt.Sprint(resp.StatusCode)].(map[string]any)
		if !ok {
			t.Errorf("%s %s answers %d, which is not documented", c.method, key, resp.StatusCode)
			continue
		}
		if ref, ok := r["$ref"].(string); ok {
			r = doc["components"].(map[string]any)["responses"].(map[string]any)[strings.TrimPrefix(ref, "#/components/responses/")].(map[string]any)
		}
		content, _ := r["content"].(map[string]any)
		ct := strings.Split(resp.Header.Get("Content-Type"), ";")[0]
		if ct == "text/plain" && content["text/plain"] != nil {
			continue
		}
		if strings.HasPrefix(ct, "text/plain") || strings.HasPrefix(ct, "application/openmetrics") {
			if content["text/plain"] == nil {
				t.Errorf("%s %s: %s is not documented", c.method, key, ct)
			}
			continue
		}
		media, _ := content[ct].(map[string]any)
		if media == nil {
			t.Errorf("%s %s %d: content type %s is not documented", c.method, key, resp.StatusCode, ct)
			continue
		}
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Errorf("%s %s: not JSON: %v", c.method, key, err)
			continue
		}
		for _, msg := range validate(doc, media["schema"].(map[string]any), v, "$") {
			t.Errorf("%s %s?%s %d: %s", c.method, key, c.query, resp.StatusCode, msg)
		}
	}
	for op := range documented {
		if !seen[op] {
			t.Errorf("%s is documented but not exercised by this test", op)
		}
	}
}
