package inventory

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/tlsdoctor/tlsdoctor/probe"
)

// MaxConfigSize bounds a configuration file, and all the files it
// includes together.
const MaxConfigSize = 16 << 20

// maxNodes bounds the nodes of a YAML or JSON document once aliases are
// expanded (a "billion laughs" document stops here).
const maxNodes = 2_000_000

// ReadConfig reads the TLS back ends of a gateway configuration. The format
// is recognised from the content: JSON or YAML (OCI API Gateway, AWS API
// Gateway OpenAPI/Swagger exports, Kubernetes, Envoy), HAProxy, or nginx.
// An error means the file cannot be read or does not parse (a *ParseError
// with its line and column); warnings are things skipped or not modelled.
func ReadConfig(path string) ([]Target, []Warning, error) {
	data, err := readBounded(path, MaxConfigSize)
	if err != nil {
		return nil, nil, err
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, nil, &ParseError{Source: posAt(path, data, i), Reason: "binary data (a NUL byte): not a gateway configuration"}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := &reader{file: path}
	switch detect(data) {
	case "haproxy":
		err = r.haproxy(data)
	case "nginx":
		err = r.nginx(path, data)
	default:
		err = r.structured(data)
	}
	if err != nil {
		return nil, r.warnings, err
	}
	return r.targets, r.warnings, nil
}

// readBounded reads a whole file of at most limit bytes.
func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if pe, ok := err.(*os.PathError); ok {
			return nil, fmt.Errorf("%s: %v", path, pe.Err)
		}
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: larger than %d MiB: not a gateway configuration this reads", path, limit>>20)
	}
	return data, nil
}

var (
	haproxySection = regexp.MustCompile(`(?m)^\s*(backend|listen|frontend|defaults|global)(\s|$)`)
	haproxyServer  = regexp.MustCompile(`(?m)^\s*(server|default-server)\s+\S+`)
	nginxBlock     = regexp.MustCompile(`(?m)^\s*(http|server|upstream|location|events|stream)\b[^;{}\n]*\{`)
)

// detect names the format of a configuration.
func detect(data []byte) string {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		return "structured"
	}
	if haproxySection.Match(data) && haproxyServer.Match(data) && !bytes.Contains(data, []byte("{")) {
		return "haproxy"
	}
	if nginxBlock.Match(data) || bytes.Contains(data, []byte("proxy_pass ")) {
		return "nginx"
	}
	return "structured"
}

// reader collects targets and warnings for one configuration.
type reader struct {
	file     string
	targets  []Target
	warnings []Warning
}

func (r *reader) warn(line, col int, format string, args ...any) {
	r.warnings = append(r.warnings, Warning{Source: Source{File: r.file, Line: line, Col: col}, Message: fmt.Sprintf(format, args...)})
}

func (r *reader) add(t Target) { r.targets = append(r.targets, t) }

// httpsTarget checks that raw is an https:// URL tlsdoctor can check; it
// warns and returns false otherwise. A plain http:// back end has no TLS
// to check and is skipped quietly.
func (r *reader) httpsTarget(raw string, line, col int, what string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if strings.Contains(raw, "${") || strings.Contains(raw, "$") && !strings.HasPrefix(raw, "https://") {
		r.warn(line, col, "%s %q uses variables: skipped (check it by hand with tlsdoctor check)", what, raw)
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		r.warn(line, col, "%s %q is not a URL: skipped", what, raw)
		return "", false
	}
	if !strings.EqualFold(u.Scheme, "https") {
		return "", false
	}
	if strings.Contains(u.Host, "$") || strings.Contains(u.Host, "{") {
		r.warn(line, col, "%s %q uses variables: skipped (check it by hand with tlsdoctor check)", what, raw)
		return "", false
	}
	if _, err := probe.ParseTarget(raw); err != nil {
		r.warn(line, col, "%s %q: %v: skipped", what, raw, err)
		return "", false
	}
	return raw, true
}

// node is a YAML or JSON value with its position: a mapping (keys in
// order), a sequence, or a scalar.
type node struct {
	kind      byte // 'm', 's', 'v' (scalar), 'n' (null)
	value     string
	keys      []string
	vals      []*node
	line, col int
	sz        int // values below and including this one, aliases expanded
}

func (n *node) get(key string) *node {
	if n == nil || n.kind != 'm' {
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

// getNorm finds a key ignoring case, '-' and '_' (OCI's CLI prints
// kebab-case, its API camelCase).
func (n *node) getNorm(key string) *node {
	if n == nil || n.kind != 'm' {
		return nil
	}
	want := normKey(key)
	for i, k := range n.keys {
		if normKey(k) == want {
			return n.vals[i]
		}
	}
	return nil
}

func normKey(k string) string {
	return strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(k))
}

// mapping returns the keys and values of a mapping (none for anything else).
func (n *node) mapping() ([]string, []*node) {
	if n == nil || n.kind != 'm' {
		return nil, nil
	}
	return n.keys, n.vals
}

func (n *node) str() string {
	if n == nil || n.kind != 'v' {
		return ""
	}
	return n.value
}

func (n *node) items() []*node {
	if n == nil || n.kind != 's' {
		return nil
	}
	return n.vals
}

func (n *node) isTrue() bool {
	s := strings.ToLower(n.str())
	return s == "true" || s == "on" || s == "yes"
}

func (n *node) pos() (int, int) {
	if n == nil {
		return 0, 0
	}
	return n.line, n.col
}

// unknownKeys warns about the keys of n that are not in known.
func (r *reader) unknownKeys(n *node, where string, known ...string) {
	if n == nil || n.kind != 'm' {
		return
	}
	for i, k := range n.keys {
		ok := false
		for _, x := range known {
			if normKey(x) == normKey(k) {
				ok = true
				break
			}
		}
		if !ok {
			r.warn(n.vals[i].line, n.vals[i].col, "unknown field %q in %s: ignored", k, where)
		}
	}
}

// structured reads JSON or YAML documents and hands each to the reader of
// its kind.
func (r *reader) structured(data []byte) error {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		var se *yaml.SyntaxError
		if errors.As(err, &se) && se.Token != nil {
			return &ParseError{Source: Source{File: r.file, Line: se.Token.Position.Line, Col: se.Token.Position.Column}, Reason: "does not parse: " + se.Message}
		}
		return &ParseError{Source: Source{File: r.file, Line: 1}, Reason: "does not parse: " + firstLine(err.Error())}
	}
	c := &converter{anchors: map[string]*node{}}
	var docs []*node
	for _, d := range f.Docs {
		n := c.conv(d)
		if c.budget > maxNodes {
			return &ParseError{Source: Source{File: r.file, Line: 1}, Reason: fmt.Sprintf("more than %d values once aliases are expanded", maxNodes)}
		}
		if n != nil && n.kind == 'm' {
			docs = append(docs, n)
		}
	}
	if len(docs) == 0 {
		return &ParseError{Source: Source{File: r.file, Line: 1}, Reason: "no JSON or YAML object found: not a gateway configuration"}
	}
	var kube []*node
	for _, d := range docs {
		switch {
		case d.get("openapi") != nil || d.get("swagger") != nil:
			r.aws(d)
		case d.get("static_resources") != nil:
			r.envoy(d)
		case d.get("apiVersion") != nil && d.get("kind") != nil:
			kube = append(kube, d)
		case ociSpec(d) != nil:
			r.oci(d)
		default:
			l, c := d.pos()
			return &ParseError{Source: Source{File: r.file, Line: l, Col: c}, Reason: "not a configuration tlsdoctor reads (an OCI API Gateway deployment, an AWS API Gateway OpenAPI or Swagger export, Kubernetes YAML, or an Envoy static configuration)"}
		}
	}
	if len(kube) > 0 {
		r.kubernetes(kube)
	}
	return nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// converter turns the YAML AST into nodes, expanding aliases within a budget.
type converter struct {
	anchors map[string]*node
	budget  int
}

func (c *converter) conv(n ast.Node) *node {
	c.budget++
	if n == nil || c.budget > maxNodes {
		return nil
	}
	if d, ok := n.(*ast.DocumentNode); ok {
		return c.conv(d.Body)
	}
	tok := safeToken(n)
	out := &node{}
	if tok != nil && tok.Position != nil {
		out.line, out.col = tok.Position.Line, tok.Position.Column
	}
	switch v := n.(type) {
	case *ast.TagNode:
		return c.conv(v.Value)
	case *ast.AnchorNode:
		x := c.conv(v.Value)
		if x != nil {
			c.anchors[v.Name.String()] = x
		}
		return x
	case *ast.AliasNode:
		x := c.anchors[v.Value.String()]
		if x != nil {
			c.budget += x.sz
		}
		return x
	case *ast.MappingNode:
		out.kind = 'm'
		for _, mv := range v.Values {
			c.pair(out, mv)
		}
		if len(v.Values) > 0 && v.Values[0].Key != nil {
			if tk := safeToken(v.Values[0].Key); tk != nil && tk.Position != nil {
				out.line, out.col = tk.Position.Line, tk.Position.Column
			}
		}
	case *ast.MappingValueNode:
		out.kind = 'm'
		c.pair(out, v)
	case *ast.SequenceNode:
		out.kind = 's'
		for _, x := range v.Values {
			if y := c.conv(x); y != nil {
				out.vals = append(out.vals, y)
			} else {
				out.vals = append(out.vals, &node{kind: 'n'})
			}
		}
	case *ast.NullNode:
		out.kind = 'n'
	case *ast.StringNode:
		out.kind, out.value = 'v', v.Value
	case *ast.LiteralNode:
		out.kind, out.value = 'v', v.Value.Value
	case *ast.CommentGroupNode, *ast.CommentNode:
		return nil
	default:
		out.kind = 'v'
		if tok != nil {
			out.value = tok.Value
		}
	}
	out.sz = 1
	for _, v := range out.vals {
		out.sz = min(out.sz+v.sz, maxNodes+1)
	}
	return out
}

// safeToken is n's token, or nil: the parser leaves some nodes without one.
func safeToken(n ast.Node) (tok *token.Token) {
	defer func() {
		if recover() != nil {
			tok = nil
		}
	}()
	return n.GetToken()
}

func (c *converter) pair(m *node, mv *ast.MappingValueNode) {
	if mv == nil || mv.Key == nil {
		return
	}
	k := c.conv(mv.Key)
	v := c.conv(mv.Value)
	if v == nil {
		v = &node{kind: 'n'}
	}
	if k != nil && v.line == 0 {
		v.line, v.col = k.line, k.col
	}
	key := ""
	if k != nil {
		key = k.value
	}
	m.keys = append(m.keys, key)
	m.vals = append(m.vals, v)
}

// posAt is the line and column of byte offset i of data.
func posAt(file string, data []byte, i int) Source {
	line := 1 + bytes.Count(data[:i], []byte("\n"))
	col := i - bytes.LastIndexByte(data[:i], '\n')
	return Source{File: file, Line: line, Col: col}
}

// relTo resolves a file named in a configuration relative to the
// configuration's directory.
func relTo(config, file string) string {
	if file == "" || filepath.IsAbs(file) {
		return file
	}
	return filepath.Join(filepath.Dir(config), file)
}
