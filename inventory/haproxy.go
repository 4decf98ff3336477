package inventory

import (
	"bufio"
	"bytes"
	"net"
	"strings"
)

// HAProxy: 'server NAME ADDR[:PORT] ... ssl ...' lines of backend and
// listen sections (with their default-server lines and the global
// ssl-server-verify and ssl-default-server-* settings) are checked as the
// haproxy profile: 'verify none' turns verification off, 'ca-file' gives the
// CAs trusted, 'sni str(NAME)' or 'verifyhost NAME' the name, 'ssl-min-ver'
// and 'ssl-max-ver' the versions, 'ciphers' the suites.

var haproxyVersions = map[string]uint16{"SSLv3": 0x0300, "TLSv1.0": 0x0301, "TLSv1.1": 0x0302, "TLSv1.2": 0x0303, "TLSv1.3": 0x0304}

func (r *reader) haproxy(data []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var section, name string
	var globalOpts, defaultsOpts, sectionDefault []string
	verifyNone := false
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := sc.Text()
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "global", "defaults", "frontend", "backend", "listen", "peers", "resolvers", "userlist", "mailers", "program", "cache", "ring", "http-errors":
			section, name, sectionDefault = f[0], "", nil
			if len(f) > 1 {
				name = f[1]
			}
			continue
		}
		switch {
		case section == "global" && f[0] == "ssl-server-verify" && len(f) > 1:
			verifyNone = f[1] == "none"
		case section == "global" && f[0] == "ssl-default-server-options":
			globalOpts = append(globalOpts, f[1:]...)
		case section == "global" && f[0] == "ssl-default-server-ciphers" && len(f) > 1:
			globalOpts = append(globalOpts, "ciphers", f[1])
		case section == "defaults" && f[0] == "default-server":
			defaultsOpts = append(defaultsOpts, f[1:]...)
		case (section == "backend" || section == "listen") && f[0] == "default-server":
			sectionDefault = append(sectionDefault, f[1:]...)
		case (section == "backend" || section == "listen") && f[0] == "server" && len(f) >= 3:
			opts := append(append(append(append([]string{}, globalOpts...), defaultsOpts...), sectionDefault...), f[3:]...)
			col := strings.Index(sc.Text(), f[2]) + 1
			r.haproxyServer(section+" "+name+", server "+f[1], f[2], opts, verifyNone, lineNo, col)
		}
	}
	if err := sc.Err(); err != nil {
		return &ParseError{Source: Source{File: r.file, Line: lineNo + 1}, Reason: err.Error()}
	}
	return nil
}

func (r *reader) haproxyServer(where, addr string, opts []string, verifyNone bool, line, col int) {
	t := Target{Profile: "haproxy", Gateway: "haproxy", Where: where, Source: Source{File: r.file, Line: line, Col: col}}
	ssl := false
	var lo, hi uint16
	for i := 0; i < len(opts); i++ {
		o := opts[i]
		arg := ""
		if i+1 < len(opts) {
			arg = opts[i+1]
		}
		switch o {
		case "ssl":
			ssl = true
		case "no-ssl":
			ssl = false
		case "verify":
			verifyNone = arg == "none"
			i++
		case "ca-file":
			if arg == "" {
				r.warn(line, col, "%s: ca-file names no file (HAProxy refuses the line); checked without it", where)
				break
			}
			t.CAFiles = append(t.CAFiles, relTo(r.file, arg))
			t.Settings = append(t.Settings, "ca-file "+arg)
			i++
		case "sni":
			if n, ok := strings.CutPrefix(arg, "str("); ok {
				t.ServerName = strings.ToLower(strings.TrimSuffix(n, ")"))
				t.SNI = boolPtr(true)
				t.Settings = append(t.Settings, "sni "+arg)
			} else {
				r.warn(line, col, "%s: sni %s is taken from each request: checked with the server's address as the name", where, arg)
			}
			i++
		case "verifyhost":
			if t.ServerName == "" {
				t.ServerName = strings.ToLower(arg)
			}
			t.Settings = append(t.Settings, "verifyhost "+arg)
			i++
		case "ssl-min-ver":
			lo = haproxyVersions[arg]
			i++
		case "ssl-max-ver":
			hi = haproxyVersions[arg]
			i++
		case "ciphers":
			t.Ciphers = arg
			i++
		case "crt":
			r.warn(line, col, "%s: a client certificate (crt %s) is configured; tlsdoctor presents none", where, arg)
			i++
		}
	}
	if !ssl {
		return
	}
	if verifyNone {
		t.Verify = boolPtr(false)
		t.Settings = append(t.Settings, "verify none")
	}
	if t.SNI == nil {
		r.warn(line, col, "%s: no sni: checked as HAProxy 3.3+ sends it (sni-auto, the name of the request); before 3.3 HAProxy sends no SNI (Debian 12 ships 2.6): add 'sni req.hdr(host)' or 'sni str(NAME)', or check it as sent with tlsdoctor check --profile haproxy --no-sni", where)
	}
	if lo != 0 || hi != 0 {
		if lo == 0 {
			lo = 0x0303
		}
		if hi == 0 {
			hi = 0x0304
		}
		for v := lo; v <= hi; v++ {
			t.Versions = append(t.Versions, v)
		}
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = strings.Trim(addr, "[]"), "443"
		r.warn(line, col, "%s: %s has no port (HAProxy then uses the client's): checked on 443", where, addr)
	}
	if strings.HasPrefix(host, "unix@") || strings.HasPrefix(host, "/") || strings.HasPrefix(host, "abns@") {
		return
	}
	h := host
	if strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	input, ok := r.httpsTarget("https://"+h+":"+port+"/", line, col, where+" address")
	if !ok {
		return
	}
	t.Input = input
	r.add(t)
}
