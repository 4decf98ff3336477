package inventory

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/tufanbarisyildirim/gonginx/config"
	"github.com/tufanbarisyildirim/gonginx/parser"
)

// nginx: nginx.conf with the files it includes (globs relative to the main
// file's directory, as nginx resolves them from its prefix). Every
// proxy_pass https:// is checked as nginx checks it: an upstream name is
// replaced by the upstream's servers (port 80 when none is given, as nginx
// does), and the name sent and checked is proxy_ssl_name, else the host of
// proxy_pass (for an upstream, its name). The proxy_ssl_* directives are
// inherited from http to server to location: proxy_ssl_verify on selects
// nginx-proxy-verify, trusting proxy_ssl_trusted_certificate;
// proxy_ssl_server_name on sends SNI; proxy_ssl_protocols and
// proxy_ssl_ciphers limit the offer.
//
// The parser is github.com/tufanbarisyildirim/gonginx (maintained, fuzzed,
// with line numbers); includes are resolved here so that their size and
// depth stay bounded and each directive keeps its own file.

const (
	maxIncludeDepth = 16
	maxIncludeFiles = 1000
)

type nginxDirective struct {
	name   string
	args   []string
	file   string
	line   int
	block  []*nginxDirective
	hasBlk bool
}

type nginxReader struct {
	r         *reader
	root      string // the main file's directory
	files     int
	bytes     int64
	upstreams map[string][]*nginxDirective
}

func (r *reader) nginx(path string, data []byte) error {
	nr := &nginxReader{r: r, root: filepath.Dir(path), upstreams: map[string][]*nginxDirective{}, bytes: int64(len(data))}
	top, err := nr.parse(path, data, 0)
	if err != nil {
		return err
	}
	nr.collectUpstreams(top)
	nr.walk(top, nginxSettings{}, "")
	return nil
}

func (nr *nginxReader) parse(file string, data []byte, depth int) ([]*nginxDirective, error) {
	p := parser.NewStringParser(string(data), parser.WithSkipValidDirectivesErr(), parser.WithSkipComments())
	c, err := p.Parse()
	if err != nil {
		msg := err.Error()
		src := Source{File: file, Line: 1}
		var line, col int
		if i := strings.Index(msg, " on line "); i >= 0 {
			fmt.Sscanf(msg[i:], " on line %d, column %d", &line, &col)
		} else if i := strings.Index(msg, " at line "); i >= 0 {
			fmt.Sscanf(msg[i:], " at line %d, column %d", &line, &col)
		}
		if line > 0 {
			src.Line, src.Col = line, col
		} else {
			src.Line = 1 + strings.Count(string(data), "\n")
		}
		if strings.Contains(msg, "unexpected token BlockEnd") {
			msg = "a '}' ends a block whose last directive has no ';'"
		}
		return nil, &ParseError{Source: src, Reason: "does not parse: " + msg}
	}
	ds, err := nr.convert(file, c.GetDirectives(), depth, "")
	if err != nil {
		return nil, err
	}
	if err := nginxBraces(file, data); err != nil {
		return nil, err
	}
	return ds, nil
}

// convert turns the parser's directives into the reader's, checking the
// shape of those in blocks of directives (parent names the block; "" the
// top of a file). The entries of value blocks (map, geo, types, ...) and
// the code of *_by_lua_block are not directives and are not checked.
func (nr *nginxReader) convert(file string, ds []config.IDirective, depth int, parent string) ([]*nginxDirective, error) {
	var out []*nginxDirective
	values := nginxValueBlocks[parent] || strings.HasSuffix(parent, "_by_lua_block")
	for _, d := range ds {
		nd := &nginxDirective{name: d.GetName(), file: file, line: d.GetLine()}
		for _, p := range d.GetParameters() {
			nd.args = append(nd.args, unquote(p.GetValue()))
		}
		if !values {
			if err := nginxShape(nd, d.GetBlock() != nil); err != nil {
				return nil, err
			}
		}
		if nd.name == "include" && len(nd.args) == 1 {
			inc, err := nr.include(nd, depth)
			if err != nil {
				return nil, err
			}
			out = append(out, inc...)
			continue
		}
		if b := d.GetBlock(); b != nil {
			nd.hasBlk = true
			inner, err := nr.convert(file, b.GetDirectives(), depth, nd.name)
			if err != nil {
				return nil, err
			}
			nd.block = inner
		}
		out = append(out, nd)
	}
	return out, nil
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// include parses the files an include names, bounded in depth, count and
// total size.
func (nr *nginxReader) include(d *nginxDirective, depth int) ([]*nginxDirective, error) {
	if depth >= maxIncludeDepth {
		return nil, &ParseError{Source: Source{File: d.file, Line: d.line}, Reason: fmt.Sprintf("includes nested deeper than %d (a loop?)", maxIncludeDepth)}
	}
	pattern := d.args[0]
	if !filepath.IsAbs(pattern) {
		pattern = filepath.Join(nr.root, pattern)
	}
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return nil, &ParseError{Source: Source{File: d.file, Line: d.line}, Reason: "include " + d.args[0] + ": " + err.Error()}
	}
	if len(matches) == 0 {
		if !strings.ContainsAny(d.args[0], "*?[") {
			nr.r.warnAt(d, "include %s: no such file: skipped", d.args[0])
		}
		return nil, nil
	}
	var out []*nginxDirective
	for _, m := range matches {
		nr.files++
		if nr.files > maxIncludeFiles {
			return nil, &ParseError{Source: Source{File: d.file, Line: d.line}, Reason: fmt.Sprintf("more than %d included files", maxIncludeFiles)}
		}
		data, err := readBounded(m, MaxConfigSize-nr.bytes)
		if err != nil {
			return nil, &ParseError{Source: Source{File: d.file, Line: d.line}, Reason: fmt.Sprintf("include: %v (all files together are limited to %d MiB)", err, MaxConfigSize>>20)}
		}
		nr.bytes += int64(len(data))
		ds, err := nr.parse(m, data, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	return out, nil
}

func (nr *nginxReader) collectUpstreams(ds []*nginxDirective) {
	for _, d := range ds {
		if d.name == "upstream" && len(d.args) == 1 {
			for _, s := range d.block {
				if s.name == "server" && len(s.args) > 0 {
					nr.upstreams[d.args[0]] = append(nr.upstreams[d.args[0]], s)
				}
			}
			continue
		}
		nr.collectUpstreams(d.block)
	}
}

// nginxSettings are the inherited proxy_ssl_* directives.
type nginxSettings struct {
	verify, serverName, name, trusted, protocols, ciphers, depth, cert *nginxDirective
}

func (s nginxSettings) overlay(ds []*nginxDirective) nginxSettings {
	for _, d := range ds {
		switch d.name {
		case "proxy_ssl_verify":
			s.verify = d
		case "proxy_ssl_server_name":
			s.serverName = d
		case "proxy_ssl_name":
			s.name = d
		case "proxy_ssl_trusted_certificate":
			s.trusted = d
		case "proxy_ssl_protocols":
			s.protocols = d
		case "proxy_ssl_ciphers":
			s.ciphers = d
		case "proxy_ssl_verify_depth":
			s.depth = d
		case "proxy_ssl_certificate":
			s.cert = d
		}
	}
	return s
}

func arg0(d *nginxDirective) string {
	if d == nil || len(d.args) == 0 {
		return ""
	}
	return d.args[0]
}

func (nr *nginxReader) walk(ds []*nginxDirective, inherited nginxSettings, where string) {
	s := inherited.overlay(ds)
	for _, d := range ds {
		switch {
		case d.name == "upstream" || d.name == "stream":
			continue // stream proxies speak TCP; upstreams are read through proxy_pass
		case d.name == "proxy_pass" && len(d.args) == 1:
			nr.proxyPass(d, s, where)
		case d.hasBlk:
			w := where
			switch d.name {
			case "server":
				w = "server"
				for _, x := range d.block {
					if x.name == "server_name" && len(x.args) > 0 {
						w = "server " + x.args[0]
						break
					}
				}
			case "location":
				w = strings.TrimSpace(where + " location " + strings.Join(d.args, " "))
			}
			nr.walk(d.block, s, w)
		}
	}
}

func (nr *nginxReader) proxyPass(d *nginxDirective, s nginxSettings, where string) {
	r := nr.r
	raw := d.args[0]
	if !strings.HasPrefix(strings.ToLower(raw), "https://") {
		return
	}
	if strings.Contains(raw, "$") {
		r.warnAt(d, "proxy_pass %s uses variables: skipped (check it by hand with tlsdoctor check)", raw)
		return
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		r.warnAt(d, "proxy_pass %s is not a URL: skipped", raw)
		return
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	base := Target{Profile: "nginx-proxy", Gateway: "nginx", Where: strings.TrimSpace(where + " proxy_pass " + raw)}
	var settings []string
	add := func(x *nginxDirective) {
		if x != nil {
			settings = append(settings, fmt.Sprintf("%s %s (%s:%d)", x.name, strings.Join(x.args, " "), filepath.Base(x.file), x.line))
		}
	}
	if arg0(s.verify) == "on" {
		base.Profile = "nginx-proxy-verify"
		add(s.verify)
		if s.trusted == nil {
			r.warnAt(s.verify, "proxy_ssl_verify on without proxy_ssl_trusted_certificate: nginx trusts no CA, so every back end fails verification")
		}
	}
	if s.trusted != nil {
		base.CAFiles = []string{relTo(filepath.Join(nr.root, "nginx.conf"), arg0(s.trusted))}
		add(s.trusted)
	}
	if arg0(s.serverName) == "on" {
		base.SNI = boolPtr(true)
		add(s.serverName)
	}
	if s.name != nil {
		if n := arg0(s.name); strings.Contains(n, "$") {
			r.warnAt(s.name, "proxy_ssl_name %s uses variables: the host of proxy_pass is used instead", n)
		} else {
			base.ServerName = strings.ToLower(n)
			add(s.name)
		}
	}
	if s.protocols != nil {
		base.Versions = nginxVersions(s.protocols.args)
		add(s.protocols)
	}
	if s.ciphers != nil {
		base.Ciphers = arg0(s.ciphers)
		add(s.ciphers)
	}
	if s.depth != nil {
		fmt.Sscan(arg0(s.depth), &base.VerifyDepth)
		add(s.depth)
	}
	if s.cert != nil {
		r.warnAt(s.cert, "proxy_ssl_certificate: a client certificate is configured; tlsdoctor presents none")
	}
	base.Settings = settings

	hostOnly, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		hostOnly, port = u.Hostname(), ""
	}
	servers, isUpstream := nr.upstreams[hostOnly]
	if !isUpstream || port != "" {
		t := base
		t.Input = "https://" + u.Host + path
		t.Source = Source{File: d.file, Line: d.line}
		if _, ok := r.httpsTarget(t.Input, d.line, 0, "proxy_pass"); ok {
			r.add(t)
		}
		return
	}
	if base.ServerName == "" {
		base.ServerName = strings.ToLower(hostOnly) // $proxy_host: the upstream's name
	}
	for _, srv := range servers {
		addr := srv.args[0]
		if strings.HasPrefix(addr, "unix:") {
			continue
		}
		down := false
		for _, a := range srv.args[1:] {
			down = down || a == "down"
		}
		if down {
			continue
		}
		host, p, err := net.SplitHostPort(addr)
		if err != nil {
			host, p = strings.Trim(addr, "[]"), "80" // nginx's default for upstream servers
		}
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		t := base
		t.Input = "https://" + host + ":" + p + path
		t.Where = base.Where + " -> upstream " + hostOnly
		t.Source = Source{File: srv.file, Line: srv.line}
		if _, ok := r.httpsTarget(t.Input, srv.line, 0, "upstream server"); ok {
			r.add(t)
		}
	}
}

func (r *reader) warnAt(d *nginxDirective, format string, args ...any) {
	r.warnings = append(r.warnings, Warning{Source: Source{File: d.file, Line: d.line}, Message: fmt.Sprintf(format, args...)})
}

var nginxProtocols = map[string]uint16{"SSLv3": 0x0300, "TLSv1": 0x0301, "TLSv1.1": 0x0302, "TLSv1.2": 0x0303, "TLSv1.3": 0x0304}

func nginxVersions(args []string) []uint16 {
	var out []uint16
	for _, a := range args {
		if v, ok := nginxProtocols[a]; ok {
			out = append(out, v)
		}
	}
	return out
}

// nginxArgs is how many arguments the directives this reader acts on take
// (at least, at most; -1: no bound) and whether they open a block, as
// nginx's documentation gives them: a directive that does not fit means a
// missing ';' or '{', which nginx itself refuses ('nginx -t') and which
// would otherwise lose or garble a back end without a word.
var nginxArgs = map[string]struct {
	min, max int
	block    bool
}{
	"proxy_pass": {1, 1, false}, "proxy_ssl_name": {1, 1, false}, "proxy_ssl_server_name": {1, 1, false},
	"proxy_ssl_verify": {1, 1, false}, "proxy_ssl_trusted_certificate": {1, 1, false},
	"proxy_ssl_verify_depth": {1, 1, false}, "proxy_ssl_protocols": {1, -1, false}, "proxy_ssl_ciphers": {1, 1, false},
	"proxy_ssl_certificate": {1, 1, false}, "proxy_ssl_certificate_key": {1, 1, false},
	"location": {1, 2, true}, "upstream": {1, 1, true}, "http": {0, 0, true},
	"include": {1, 1, false}, "server_name": {0, -1, false}, "listen": {1, -1, false},
}

func nginxShape(d *nginxDirective, hasBlock bool) error {
	src := Source{File: d.file, Line: d.line}
	if d.name == "server" && !hasBlock {
		// An upstream's server: an address and parameters, never a
		// directive's name.
		for _, a := range d.args {
			if _, known := nginxArgs[a]; known || a == "server" {
				return &ParseError{Source: src, Reason: fmt.Sprintf("%q without a block (an upstream's server) takes an address and parameters: is a ';' (or a server block's '{') missing before %q?", d.name, a)}
			}
		}
		return nil
	}
	want, ok := nginxArgs[d.name]
	if !ok {
		return nil
	}
	if want.max >= 0 && len(d.args) > want.max {
		takes := plural(want.max, "argument")
		if want.min != want.max {
			takes = fmt.Sprintf("%d to %d arguments", want.min, want.max)
		}
		reason := fmt.Sprintf("%q takes %s, got %d", d.name, takes, len(d.args))
		missing := "';'"
		if want.block && !hasBlock {
			missing = "'{'"
		}
		for _, a := range d.args[min(1, len(d.args)):] {
			if _, known := nginxArgs[a]; known || strings.HasPrefix(a, "proxy_") {
				return &ParseError{Source: src, Reason: fmt.Sprintf("%s: is a %s missing before %q?", reason, missing, a)}
			}
		}
		return &ParseError{Source: src, Reason: fmt.Sprintf("%s: is a %s missing?", reason, missing)}
	}
	switch {
	case len(d.args) < want.min:
		return &ParseError{Source: src, Reason: fmt.Sprintf("%q takes %s, got %d", d.name, plural(want.min, "argument"), len(d.args))}
	case want.block && !hasBlock:
		return &ParseError{Source: src, Reason: fmt.Sprintf("%q needs a block: is a '{' missing?", d.name)}
	case !want.block && hasBlock:
		return &ParseError{Source: src, Reason: fmt.Sprintf("%q takes no block: is a ';' missing?", d.name)}
	}
	return nil
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// nginxValueBlocks hold values, not directives: their entries may carry
// any name ("http http;" in a map).
var nginxValueBlocks = map[string]bool{"map": true, "geo": true, "split_clients": true, "types": true,
	"charset_map": true, "match": true}

// nginxBraces checks that braces pair up, outside comments and quotes,
// as nginx reads them: the parser accepts a '}' too many. As in nginx, a
// comment or a quoted string starts only where a word starts ("/#/login"
// and "it's" are plain words).
func nginxBraces(file string, data []byte) error {
	line, depth := 1, 0
	var opened []int // the lines of the open braces
	for i := 0; i < len(data); i++ {
		wordStart := i == 0 || strings.IndexByte(" \t\r\n;{}", data[i-1]) >= 0
		switch c := data[i]; {
		case c == '\n':
			line++
		case c == '#' && wordStart:
			for i < len(data) && data[i] != '\n' {
				i++
			}
			i-- // the newline is counted above
		case (c == '"' || c == '\'') && wordStart:
			for i++; i < len(data) && data[i] != c; i++ {
				if data[i] == '\\' {
					i++
				} else if data[i] == '\n' {
					line++
				}
			}
		case c == '$':
			if i+1 < len(data) && data[i+1] == '{' { // ${variable}
				for i < len(data) && data[i] != '}' && data[i] != '\n' {
					i++
				}
			}
		case c == '{':
			depth++
			opened = append(opened, line)
		case c == '}':
			if depth == 0 {
				return &ParseError{Source: Source{File: file, Line: line}, Reason: "a '}' that closes no block"}
			}
			depth--
			opened = opened[:len(opened)-1]
		}
	}
	if depth > 0 {
		return &ParseError{Source: Source{File: file, Line: opened[len(opened)-1]}, Reason: "a '{' that is never closed"}
	}
	return nil
}
