package diagnose

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/chain"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/profile"
	"github.com/tlsdoctor/tlsdoctor/wire"
	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/ocsp"
)

// Reproducer is a command line, built from a run, that shows a verdict with
// a public tool (openssl s_client, curl) and without tlsdoctor: what a
// support engineer hands to a customer, or runs from a gateway's subnet.
//
// Expect is worded as OpenSSL 3.0 and curl 7.88 print it (Debian 12); the
// lab test runs every reproducer against every lab endpoint and checks it.
type Reproducer struct {
	Addr string `json:"addr"` // the address it connects to
	Tool string `json:"tool"` // "openssl" or "curl"
	// Kind is "fails" (it reproduces the failure), "works" (it shows what
	// the server accepts instead: the offer that was accepted, or a healthy
	// connection) or "shows" (it prints the fact the verdict rests on: a
	// certificate without subjectAltName, the issuer an AIA URL serves).
	Kind    string `json:"kind"`
	What    string `json:"what"`    // what it shows, in words
	Command string `json:"command"` // one line for a POSIX shell
	// Expect is text its output (standard output or error) contains when
	// it shows what What says ("…" stands for any text within the line);
	// ExpectAbsent, when set, must not appear.
	Expect       string `json:"expect"`
	ExpectAbsent string `json:"expect_absent,omitempty"`
	// Needs lists the files to provide first, and how.
	Needs []string `json:"needs,omitempty"`
	// Requires is a command that succeeds when the local tool can run this
	// one (an OpenSSL build that still has a legacy cipher suite).
	Requires string `json:"requires,omitempty"`
	Note     string `json:"note,omitempty"`

	unusable bool // built for a path its tool cannot take (s_client through an https:// proxy)
}

// Reproduce builds the reproducers of d, the diagnosis of run for p, from
// what the run observed: the address dialled, the SNI sent, the offer that
// was refused and the one that was accepted, the CA files given
// (run.CAFiles), the bytes the server answered with. A cause it has no
// public-tool command for gets none.
func Reproduce(run *evidence.Run, d *Diagnosis, p *profile.Profile) []Reproducer {
	if run == nil || d == nil || p == nil {
		return nil
	}
	b := &reproBuilder{run: run, d: d, p: p}
	if d.Cause == cause.DNSFailure {
		return b.dns()
	}
	var out []Reproducer
	for _, ar := range d.Addresses {
		a := b.address(ar.Addr)
		if a == nil {
			continue
		}
		// When every address agrees, the first one stands for all.
		if d.Cause != cause.InconsistentBackends && len(out) > 0 {
			break
		}
		out = append(out, b.forAddress(a, &ar)...)
	}
	out = slices.DeleteFunc(out, func(r Reproducer) bool { return r.unusable })
	for i := range out {
		r := &out[i]
		if strings.Contains(r.Command, "-proxy_user USER") || strings.Contains(r.Command, "--proxy-user USER") {
			r.Needs = append(r.Needs, b.proxyNeeds()...)
		}
		if strings.Contains(r.Command, "client.pem") {
			r.Needs = append(r.Needs, b.clientCertNeeds()...)
		}
	}
	return out
}

type reproBuilder struct {
	run *evidence.Run
	d   *Diagnosis
	p   *profile.Profile
}

func (b *reproBuilder) address(addr string) *evidence.Address {
	for i := range b.run.Addresses {
		if b.run.Addresses[i].Addr == addr {
			return &b.run.Addresses[i]
		}
	}
	return nil
}

// command is one command line being built.
type command struct {
	// viaHTTPSProxy: an s_client command through an https:// proxy, which
	// s_client cannot use.
	viaHTTPSProxy bool
	prefix        string // shell text before the command, as written (a loop)
	url           string // curl's URL, written after every flag
	args          []string
	stdin         bool   // s_client: read standard input from /dev/null, so it exits
	pipe          string // a pipeline appended as written
}

func (c *command) add(a ...string) { c.args = append(c.args, a...) }

func (c *command) String() string {
	var s []string
	for _, a := range c.args {
		s = append(s, shellQuote(a))
	}
	if c.url != "" {
		s = append(s, shellQuote(c.url))
	}
	line := c.prefix + strings.Join(s, " ")
	if c.stdin {
		line += " </dev/null"
	}
	if c.pipe != "" {
		line += " " + c.pipe
	}
	return line
}

// shellQuote quotes a for a POSIX shell when it needs it.
func shellQuote(a string) string {
	if a == "" {
		return "''"
	}
	safe := true
	for _, r := range a {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@=,+%[]", r)) {
			safe = false
			break
		}
	}
	if safe {
		return a
	}
	return "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
}

// sni is the SNI a reproducer sends: what the client sent, unless overridden.
type sniChoice int

const (
	sniAsRun sniChoice = iota
	sniNone
	sniName
)

func (b *reproBuilder) sniFlags(c *command, choice sniChoice) {
	name := b.run.Target.SNI
	switch choice {
	case sniNone:
		name = ""
	case sniName:
		if name == "" && !isIPLiteral(b.run.Target.ServerName) {
			name = b.run.Target.ServerName
		}
	}
	if name != "" {
		c.add("-servername", name)
	} else {
		c.add("-noservername")
	}
}

// curlSeesSame reports whether curl, which always sends SNI for a name, sees
// what the client saw: the client sent SNI too, or the run shows that SNI
// changes nothing here (the hello with SNI was refused alike, or the
// handshake with SNI got the same certificate).
func (b *reproBuilder) curlSeesSame(a *evidence.Address) bool {
	if b.run.Target.SNI != "" || isIPLiteral(b.run.Target.ServerName) {
		return true
	}
	for _, v := range a.Variants {
		if v.Name == "with-sni" {
			return !v.Accepted() && v.Outcome == helloOf(a).Outcome
		}
	}
	alt, hs := a.AltHandshake, a.Handshake
	return alt != nil && alt.SNI != "" && hs != nil && len(alt.Certificates) > 0 && len(hs.Certificates) > 0 &&
		string(alt.Certificates[0]) == string(hs.Certificates[0])
}

func isIPLiteral(s string) bool { _, err := netip.ParseAddr(s); return err == nil }

// openssl starts an s_client command to addr.
func (b *reproBuilder) openssl(addr string, sni sniChoice) *command {
	c := &command{args: []string{"openssl", "s_client"}, stdin: true}
	if px, target := b.proxyFor(addr); px != nil {
		// Through the proxy, as the client went: CONNECT to the same target.
		// s_client speaks to plain http:// proxies only.
		c.add("-proxy", strings.TrimPrefix(px.URL, "http://"))
		c.viaHTTPSProxy = strings.HasPrefix(px.URL, "https://")
		if px.Auth {
			c.add("-proxy_user", "USER", "-proxy_pass", "pass:PASSWORD")
		}
		addr = target
	}
	c.add("-connect", addr)
	b.sniFlags(c, sni)
	if cc := b.run.ClientCert; cc != nil && cc.Source != "" && cc.KeyMatches {
		cert, key := b.clientCertFiles()
		c.add("-cert", cert, "-key", key)
	}
	return c
}

// proxyFor returns the proxy the client went through to addr and the
// target it asked the proxy for (host:port of its CONNECT), or nil.
func (b *reproBuilder) proxyFor(addr string) (*evidence.Proxy, string) {
	px := b.run.Proxy
	if px == nil || !px.Used || px.URL == "" {
		return nil, ""
	}
	target := addr
	if a := b.address(addr); a != nil && a.Proxy != nil {
		if f := strings.Fields(a.Proxy.Request); len(f) >= 2 && f[0] == "CONNECT" {
			target = f[1]
		}
	}
	return px, target
}

// proxied reports whether the client went through a proxy.
func (b *reproBuilder) proxied() bool { px, _ := b.proxyFor(""); return px != nil }

// proxyNeeds says what a command through a proxy with credentials needs.
func (b *reproBuilder) proxyNeeds() []string {
	if px := b.run.Proxy; px != nil && px.Used && px.Auth {
		return []string{"USER and PASSWORD: the proxy's credentials (the run does not record them)"}
	}
	return nil
}

// clientCertFiles names the client certificate and key files the check
// presented (--cert, --key); a PKCS#12 file is converted first.
func (b *reproBuilder) clientCertFiles() (cert, key string) {
	cc := b.run.ClientCert
	src := cc.Source
	if l := strings.ToLower(src); strings.HasSuffix(l, ".p12") || strings.HasSuffix(l, ".pfx") {
		return "client.pem", "client.pem"
	}
	key = b.run.ClientKeyFile
	if key == "" {
		key = src // the key is in the certificate's file
	}
	return src, key
}

// clientCertNeeds says how to prepare a PKCS#12 client certificate.
func (b *reproBuilder) clientCertNeeds() []string {
	cc := b.run.ClientCert
	if cc == nil {
		return nil
	}
	if l := strings.ToLower(cc.Source); strings.HasSuffix(l, ".p12") || strings.HasSuffix(l, ".pfx") {
		return []string{"client.pem: openssl pkcs12 -in " + shellQuote(cc.Source) + " -out client.pem -nodes (openssl s_client and curl read PEM here)"}
	}
	return nil
}

// curlCmd starts a curl command that connects to addr for the target's URL,
// with the name resolved to addr as the client resolved (or was told to).
func (b *reproBuilder) curlCmd(addr string) *command {
	t := b.run.Target
	c := &command{args: []string{"curl", "-sS", "-o", "/dev/null"}}
	if px, target := b.proxyFor(addr); px != nil {
		c.add("--proxy", px.URL)
		if px.Auth {
			c.add("--proxy-user", "USER:PASSWORD")
		}
		if strings.HasPrefix(px.URL, "https://") {
			switch tr := b.trustFor(nil); {
			case !tr.verify:
				c.add("--proxy-insecure")
			case tr.caFile != "":
				c.add("--proxy-cacert", tr.caFile)
			}
		}
		addr = target
	}
	if cc := b.run.ClientCert; cc != nil && cc.Source != "" && cc.KeyMatches {
		cert, key := b.clientCertFiles()
		c.add("--cert", cert, "--key", key)
	}
	host, port, ok := splitAddr(addr)
	if !ok {
		// --connect host:port, resolved when dialled.
		if i := strings.LastIndex(addr, ":"); i > 0 {
			if n, err := strconv.Atoi(addr[i+1:]); err == nil {
				host, port, ok = strings.Trim(addr[:i], "[]"), n, true
			}
		}
	}
	urlHost := t.ServerName
	if isIPLiteral(urlHost) && strings.Contains(urlHost, ":") {
		urlHost = "[" + urlHost + "]"
	}
	switch {
	case !ok:
	case isIPLiteral(t.ServerName) && t.ServerName == host && port == t.Port:
	case port == t.Port && !isIPLiteral(t.ServerName) && isIPLiteral(host) && !b.proxied():
		c.add("--resolve", fmt.Sprintf("%s:%d:%s", t.ServerName, t.Port, bracket(host)))
	case host == t.ServerName && port == t.Port:
	default:
		c.add("--connect-to", fmt.Sprintf("%s:%d:%s:%d", urlHost, t.Port, bracket(host), port))
	}
	path := t.Path
	if path == "" || !t.HTTP {
		path = "/"
	}
	c.url = fmt.Sprintf("https://%s:%d%s", urlHost, t.Port, path)
	return c
}

// withoutClientCert drops -cert/-key and --cert/--key from c.
func (c *command) withoutClientCert() {
	var out []string
	for i := 0; i < len(c.args); i++ {
		switch c.args[i] {
		case "-cert", "-key", "--cert", "--key":
			i++
			continue
		}
		out = append(out, c.args[i])
	}
	c.args = out
}

func bracket(ip string) string {
	if strings.Contains(ip, ":") {
		return "[" + ip + "]"
	}
	return ip
}

func splitAddr(addr string) (string, int, bool) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return "", 0, false
	}
	return ap.Addr().String(), int(ap.Port()), true
}

// trust describes how a reproducer should verify, mirroring the client.
type trust struct {
	verify bool     // the client verifies certificates
	caFile string   // -CAfile / --cacert, or "" for the tool's default store
	needs  []string // what to write first
	// mirrored: the tools can trust what the client trusts (the system
	// store and the CA files given); not for a fixed CA list or "any root".
	mirrored bool
}

// trustFor decides the CA arguments for address result ar: the CA files
// given, unless the chain was trusted through a system root (which the
// tools' default stores hold) or the client cannot be given a CA.
func (b *reproBuilder) trustFor(ar *AddressResult) trust {
	t := trust{verify: b.p.Verifies()}
	t.mirrored = t.verify && (b.p.Trust == profile.TrustSystem || b.p.Trust == profile.TrustBundleOnly)
	if !t.mirrored || len(b.run.ExtraRoots) == 0 {
		return t
	}
	if ar != nil && len(ar.Certificates) > 0 {
		top := ar.Certificates[len(ar.Certificates)-1]
		if top.Source == "trust store" && !b.isExtraRoot(top.SHA256) {
			return t
		}
	}
	files := b.run.CAFiles
	switch {
	case len(files) == 1:
		t.caFile = files[0]
	case len(files) > 1:
		t.caFile = "ca-bundle.pem"
		var q []string
		for _, f := range files {
			q = append(q, shellQuote(f))
		}
		t.needs = []string{"ca-bundle.pem: cat " + strings.Join(q, " ") + " > ca-bundle.pem (openssl and curl take one CA file)"}
	default:
		t.caFile = "ca-bundle.pem"
		t.needs = []string{fmt.Sprintf("ca-bundle.pem: the %s given to the check with --ca-bundle (the run records the certificates, not the file name)", plural(len(b.run.ExtraRoots), "CA certificate"))}
	}
	return t
}

func (b *reproBuilder) isExtraRoot(sum string) bool {
	for _, der := range b.run.ExtraRoots {
		s := sha256.Sum256(der)
		if hex.EncodeToString(s[:]) == sum {
			return true
		}
	}
	return false
}

func (t trust) opensslFlags(c *command) {
	if t.caFile != "" {
		c.add("-CAfile", t.caFile)
	}
}

// handshakeOnly is the trust of a reproducer whose point is not the
// certificate (a refused hello, a bad signature, a missing client
// certificate, the HTTP reply): curl skips verification where it cannot
// trust what the client trusts, so that it gets as far as the client did.
func (t trust) handshakeOnly() trust {
	if !t.mirrored {
		return trust{}
	}
	return t
}

func (t trust) curlFlags(c *command) {
	switch {
	case !t.verify:
		c.add("--insecure")
	case t.caFile != "":
		c.add("--cacert", t.caFile)
	}
}

// hostCheck adds the name (or IP) check the client makes.
func (b *reproBuilder) hostCheck(c *command) {
	if !b.p.ChecksHostname {
		return
	}
	if n := b.run.Target.ServerName; isIPLiteral(n) {
		c.add("-verify_ip", n)
	} else {
		c.add("-verify_hostname", n)
	}
}

// attime adds -attime when the run was judged at another time (--at).
func (b *reproBuilder) attime(c *command) {
	if !b.run.At.IsZero() {
		c.add("-attime", strconv.FormatInt(b.run.At.Unix(), 10))
	}
}

func (b *reproBuilder) mk(addr, tool, kind, what string, c *command, expect string) Reproducer {
	return Reproducer{Addr: addr, Tool: tool, Kind: kind, What: what, Command: c.String(), Expect: expect, unusable: c.viaHTTPSProxy}
}

// forAddress builds the reproducers of one address's verdict.
func (b *reproBuilder) forAddress(a *evidence.Address, ar *AddressResult) []Reproducer {
	if a.Hello != nil && a.Hello.Accepted() && b.servedMessageSize(a) > opensslMaxCertList && ar.Cause != cause.KeyMismatch {
		// Whatever the verdict, OpenSSL's tools stop at the certificate
		// message: that is all they can show.
		r := b.tooLarge(a, ar)
		for i := range r {
			r[i].Kind = "shows"
			if ar.Cause != cause.CertTooLarge {
				r[i].What = "OpenSSL's tools stop before what this verdict is about: the certificate message exceeds their 100 KiB limit, which this client does not have"
			}
		}
		return r
	}
	switch ar.Cause {
	case cause.OK:
		return b.ok(a, ar)
	case cause.TCPRefused:
		return b.refused(a)
	case cause.TCPTimeout:
		return b.tcpTimeout(a)
	case cause.TCPUnreachable:
		c := b.curlCmd(a.Addr)
		c.add("--connect-timeout", "10")
		return []Reproducer{b.mk(a.Addr, "curl", "fails", "the address cannot be reached", c, "curl: (7) Failed to connect to")}
	case cause.InconsistentBackends:
		// One address whose attempts disagree.
		return b.attempts(a)
	case cause.ProxyAuthRequired, cause.ProxyConnectFailed:
		return b.proxyConnect(a)
	case cause.ProxyTLSFailed:
		return b.proxyTLS(a, ar)
	case cause.HandshakeMalformed:
		return b.malformed(a)
	}
	if a.Hello != nil && !a.Hello.Accepted() {
		return b.refusedHello(a, ar)
	}
	if a.Hello == nil {
		return nil
	}
	switch ar.Cause {
	case cause.HTTPInvalidResponse, cause.DoubleTLS, cause.HTTPNoResponse:
		return b.http(a, ar)
	case cause.ServerAlert:
		if a.HTTP != nil && a.HTTP.Alert != nil {
			return b.http(a, ar)
		}
		if a.Handshake != nil && a.Handshake.Alert != nil {
			return b.alertAfterHello(a, ar, *a.Handshake.Alert)
		}
	case cause.ClientCertRequired:
		return b.clientCert(a, ar)
	case cause.KeyMismatch:
		return b.keyMismatch(a, ar)
	case cause.CertInvalid, cause.CertTooLarge:
		if tooLarge(a) {
			return b.tooLarge(a, ar)
		}
		return b.certificate(a, ar)
	case cause.ChainTooLong:
		return b.chainTooLong(a, ar)
	case cause.CertRevoked:
		return b.revoked(a)
	case cause.RevocationUnavailable:
		return b.revocationUnavailable(a)
	case cause.Intercepted:
		return b.intercepted(a)
	case cause.SNIRequired:
		return b.sniByCert(a, ar)
	case cause.WeakKey:
		if ske := helloOf(a).ServerKeyExchange; ske != nil && ske.DHPBits > 0 && b.p.MinDHBits > 0 && ske.DHPBits < b.p.MinDHBits {
			return b.weakDH(a, ske.DHPBits)
		}
		return b.certificate(a, ar)
	case cause.RenegotiationUnsafe:
		what := "OpenSSL 3 refuses a server without secure renegotiation (RFC 5746)"
		out := []Reproducer{b.mk(a.Addr, "openssl", "fails", what, b.openssl(a.Addr, sniAsRun), "unsafe legacy renegotiation disabled")}
		if b.curlSeesSame(a) {
			c := b.curlCmd(a.Addr)
			b.trustFor(ar).handshakeOnly().curlFlags(c)
			out = append(out, b.mk(a.Addr, "curl", "fails", what, c, "unsafe legacy renegotiation disabled"))
		}
		return out
	}
	if ar.Cause.Info().Layer == "certificate" {
		return b.certificate(a, ar)
	}
	return nil
}

func (b *reproBuilder) dns() []Reproducer {
	t := b.run.Target
	c := &command{args: []string{"curl", "-sS", "-o", "/dev/null", fmt.Sprintf("https://%s:%d/", t.Host, t.Port)}}
	return []Reproducer{{Tool: "curl", Kind: "fails", What: "the name does not resolve from here", Command: c.String(),
		Expect: "curl: (6) Could not resolve host: " + t.Host,
		Note:   "run it where the client runs: a private zone resolves only inside its network"}}
}

func (b *reproBuilder) refused(a *evidence.Address) []Reproducer {
	o := b.openssl(a.Addr, sniAsRun)
	c := b.curlCmd(a.Addr)
	return []Reproducer{
		b.mk(a.Addr, "openssl", "fails", "nothing listens: the connection is refused", o, "Connection refused"),
		b.mk(a.Addr, "curl", "fails", "nothing listens: the connection is refused", c, "curl: (7) Failed to connect to"),
	}
}

func (b *reproBuilder) tcpTimeout(a *evidence.Address) []Reproducer {
	c := b.curlCmd(a.Addr)
	c.add("--connect-timeout", seconds(a.Dial.Duration.Seconds()))
	r := b.mk(a.Addr, "curl", "fails", "the TCP connection is never answered", c, "curl: (28) Failed to connect to")
	r.Note = "(28) is curl's time-out; openssl s_client has no connect time-out and would wait for the system's"
	return []Reproducer{r}
}

// seconds rounds a time-out up to whole seconds, at least 1.
func seconds(s float64) string {
	return strconv.Itoa(max(1, int(math.Ceil(s))))
}

// refusal is what openssl and curl print for the way the server refused
// a hello, or "" when it cannot be predicted.
func refusal(h *evidence.Hello) string {
	if h.Downgraded() {
		return "unsupported protocol"
	}
	switch h.Outcome {
	case "alert":
		if h.Alert != nil {
			return alertReason(h.Alert.Description)
		}
	case "eof":
		return "unexpected eof while reading"
	case "reset":
		return "errno=104"
	case "not_tls":
		if len(h.First) >= 3 && h.First[1] != 3 {
			return "wrong version number"
		}
	}
	return ""
}

// curlRefusal is refusal as curl words it.
func curlRefusal(h *evidence.Hello) string {
	switch h.Outcome {
	case "eof":
		return "SSL_ERROR_SYSCALL"
	case "reset":
		return "Connection reset by peer"
	case "timeout":
		return "curl: (28)"
	}
	return refusal(h)
}

// alertReason is OpenSSL's reason string for a received alert (the strings
// of libssl 3.0; 1.1.1 uses the same).
func alertReason(d uint8) string {
	if r, ok := opensslAlerts[d]; ok {
		return r
	}
	return fmt.Sprintf("SSL alert number %d", d)
}

var opensslAlerts = map[uint8]string{
	10: "sslv3 alert unexpected message", 20: "sslv3 alert bad record mac", 21: "tlsv1 alert decryption failed",
	22: "tlsv1 alert record overflow", 30: "sslv3 alert decompression failure", 40: "sslv3 alert handshake failure",
	41: "sslv3 alert no certificate", 42: "sslv3 alert bad certificate", 43: "sslv3 alert unsupported certificate",
	44: "sslv3 alert certificate revoked", 45: "sslv3 alert certificate expired", 46: "sslv3 alert certificate unknown",
	47: "sslv3 alert illegal parameter", 48: "tlsv1 alert unknown ca", 49: "tlsv1 alert access denied",
	50: "tlsv1 alert decode error", 51: "tlsv1 alert decrypt error", 60: "tlsv1 alert export restriction",
	70: "tlsv1 alert protocol version", 71: "tlsv1 alert insufficient security", 80: "tlsv1 alert internal error",
	86: "tlsv1 alert inappropriate fallback", 90: "tlsv1 alert user cancelled", 100: "tlsv1 alert no renegotiation",
	109: "tlsv13 alert missing extension", 110: "tlsv1 unsupported extension", 111: "tlsv1 certificate unobtainable",
	112: "tlsv1 unrecognized name", 113: "tlsv1 bad certificate status response", 114: "tlsv1 bad certificate hash value",
	115: "tlsv1 alert unknown psk identity", 116: "tlsv13 alert certificate required", 120: "tlsv1 alert no application protocol",
}

// refusedHello reproduces a refused ClientHello: the refused offer as
// openssl and curl can send it, and the accepted variant beside it.
func (b *reproBuilder) refusedHello(a *evidence.Address, ar *AddressResult) []Reproducer {
	if a.Hello == nil {
		return nil // a one-handshake run: no hello to repeat
	}
	h := a.Hello
	switch h.Outcome {
	case "timeout":
		c := b.curlCmd(a.Addr)
		c.add("--max-time", seconds(h.Duration.Seconds()+0.5))
		r := b.mk(a.Addr, "curl", "fails", fmt.Sprintf("the server does not complete the handshake within %s", seconds(h.Duration.Seconds()+0.5)+"s"), c, "curl: (28)")
		r.Note = "(28) is curl's time-out; openssl s_client would wait without end"
		return []Reproducer{r}
	case "too_large":
		return b.tooLarge(a, ar)
	case "malformed":
		return nil
	}
	var accepted *evidence.Hello
	for i := range a.Variants {
		if v := &a.Variants[i]; v.Accepted() && ar.Cause == variantCause(v) {
			accepted = v
			break
		}
	}
	var out []Reproducer
	expect := refusal(h)
	what := "the server refuses the client's hello"
	switch ar.Cause {
	case cause.NotTLS:
		what = "the port does not speak TLS: " + wire.Sniff(h.First).Label
	case cause.ResetDuringHandshake:
		what = "the connection is reset after the ClientHello"
	case cause.ClosedDuringHandshake:
		what = "the server closes the connection after the ClientHello"
	case cause.SNIRequired:
		what = "without SNI the server refuses the handshake"
	case cause.ServerAlert:
		what = "the server answers the hello with an alert"
	case cause.ProtocolVersionMismatch:
		what = fmt.Sprintf("the server refuses %s", versionList(h.Offer.Versions))
	case cause.CipherMismatch:
		what = "the server refuses the client's cipher suites"
	case cause.GroupMismatch:
		what = "the server refuses the client's groups (" + groupList(h.Offer.Groups) + ")"
	}
	negotiation := ar.Cause == cause.ProtocolVersionMismatch || ar.Cause == cause.CipherMismatch || ar.Cause == cause.GroupMismatch
	if expect != "" {
		o := b.openssl(a.Addr, sniAsRun)
		var notes []string
		if negotiation {
			notes = b.offerFlags(o, h.Offer)
		}
		r := b.mk(a.Addr, "openssl", "fails", what, o, expect)
		if h.Outcome == "reset" {
			r.Note = "104 is ECONNRESET on Linux (54 on macOS)"
		}
		if len(notes) > 0 {
			r.Note = strings.Join(notes, "; ")
		}
		out = append(out, r)
	}
	// curl always sends SNI: it cannot reproduce a refusal of a hello
	// without it; nor one decided by the signature schemes, which curl 7.88
	// cannot choose.
	if ce := curlRefusal(h); ce != "" && b.curlSeesSame(a) && (accepted == nil || accepted.Name != "all-sigalgs") {
		c := b.curlCmd(a.Addr)
		ok := true
		if negotiation {
			ok = b.curlOfferFlags(c, h.Offer)
		}
		if ok {
			out = append(out, b.mk(a.Addr, "curl", "fails", what, c, ce))
		}
	}
	if accepted != nil {
		if r, ok := b.acceptedVariant(a, accepted, ar.Cause); ok {
			out = append(out, r)
		}
	}
	return out
}

// variantCause is the cause a one-change variant's acceptance proves.
func variantCause(v *evidence.Hello) cause.Code {
	switch {
	case v.Name == "with-sni":
		return cause.SNIRequired
	case v.Name == "all-groups":
		return cause.GroupMismatch
	case v.Name == "all-suites", v.Name == "all-sigalgs":
		return cause.CipherMismatch
	case strings.HasPrefix(v.Name, "only-"):
		return cause.ProtocolVersionMismatch
	}
	return ""
}

// versionFlags adds the s_client flags that offer exactly vs.
func versionFlags(c *command, vs []uint16) {
	flags := []struct {
		v    uint16
		only string
		no   string
	}{
		{wire.VersionTLS10, "-tls1", "-no_tls1"}, {wire.VersionTLS11, "-tls1_1", "-no_tls1_1"},
		{wire.VersionTLS12, "-tls1_2", "-no_tls1_2"}, {wire.VersionTLS13, "-tls1_3", "-no_tls1_3"},
	}
	if len(vs) == 1 {
		for _, f := range flags {
			if f.v == vs[0] {
				c.add(f.only)
			}
		}
		if vs[0] == wire.VersionSSL30 {
			c.add("-ssl3")
		}
		return
	}
	for _, f := range flags {
		if !slices.Contains(vs, f.v) {
			c.add(f.no)
		}
	}
}

func legacyVersions(vs []uint16) bool {
	return slices.ContainsFunc(vs, func(v uint16) bool { return v < wire.VersionTLS12 })
}

// suiteArgs splits suites into OpenSSL's TLS 1.3 and older lists, leaving
// out the ones OpenSSL has no name for.
func suiteArgs(suites []uint16) (tls13, older []string, unnamed int) {
	for _, id := range suites {
		n, ok := opensslSuites[id]
		if !ok {
			if s, known := wire.LookupSuite(id); !known || s.Kex != "SCSV" {
				unnamed++
			}
			continue
		}
		if s, _ := wire.LookupSuite(id); s.Kex == "TLS13" {
			tls13 = append(tls13, n)
		} else {
			older = append(older, n)
		}
	}
	return
}

// OpenSSLSuiteName is the OpenSSL name of a cipher suite, if it has one.
func OpenSSLSuiteName(id uint16) (string, bool) { n, ok := opensslSuites[id]; return n, ok }

// opensslGroups names groups as -groups and curl --curves take them.
var opensslGroups = map[uint16]string{
	wire.GroupX25519: "X25519", wire.GroupX448: "X448", wire.GroupP256: "P-256", wire.GroupP384: "P-384",
	wire.GroupP521: "P-521", wire.GroupFFDHE2048: "ffdhe2048", wire.GroupFFDHE3072: "ffdhe3072",
	wire.GroupFFDHE4096: "ffdhe4096", wire.GroupFFDHE6144: "ffdhe6144", wire.GroupFFDHE8192: "ffdhe8192",
	wire.GroupBrainpoolP256: "brainpoolP256r1", wire.GroupBrainpoolP384: "brainpoolP384r1", wire.GroupBrainpoolP512: "brainpoolP512r1",
}

// tempKey is how s_client prints the key exchange of a group.
var tempKey = map[uint16]string{
	wire.GroupX25519: "Server Temp Key: X25519", wire.GroupX448: "Server Temp Key: X448",
	wire.GroupP256: "Server Temp Key: ECDH, prime256v1", wire.GroupP384: "Server Temp Key: ECDH, secp384r1",
	wire.GroupP521: "Server Temp Key: ECDH, secp521r1",
}

func groupArgs(groups []uint16) (names []string, unnamed int) {
	for _, g := range groups {
		if n, ok := opensslGroups[g]; ok {
			names = append(names, n)
		} else {
			unnamed++
		}
	}
	return
}

// offerFlags adds the s_client flags that send offer o as the client did:
// its versions, cipher suites (all of them, at security level 0 so that
// OpenSSL leaves none out) and groups. Which suites a server refuses can
// depend on the version and the other way round, so the offer is sent
// whole. It returns notes on what OpenSSL cannot send.
func (b *reproBuilder) offerFlags(c *command, o evidence.Offer) []string {
	var notes []string
	versionFlags(c, o.Versions)
	t13, older, unnamed := suiteArgs(o.Suites)
	if len(older) > 0 && slices.ContainsFunc(o.Versions, func(v uint16) bool { return v <= wire.VersionTLS12 }) {
		c.add("-cipher", strings.Join(older, ":")+"@SECLEVEL=0")
	}
	if len(t13) > 0 && slices.Contains(o.Versions, wire.VersionTLS13) {
		c.add("-ciphersuites", strings.Join(t13, ":"))
	}
	if unnamed > 0 {
		notes = append(notes, fmt.Sprintf("%s the client offers %s no OpenSSL name and %s left out", plural(unnamed, "suite"), pick(unnamed == 1, "has", "have"), pick(unnamed == 1, "is", "are")))
	}
	if gs, n := groupArgs(o.Groups); len(gs) > 0 {
		c.add("-groups", strings.Join(gs, ":"))
		if n > 0 {
			notes = append(notes, fmt.Sprintf("%s the client offers %s left out (OpenSSL 3.0 does not know %s)", plural(n, "group"), pick(n == 1, "is", "are"), pick(n == 1, "it", "them")))
		}
	}
	var sigs []string
	for _, a := range o.SigAlgs {
		// OpenSSL 3.0 knows the SHA-1 schemes only by their old names.
		n := map[uint16]string{wire.SigECDSASHA1: "ECDSA+SHA1", wire.SigRSAPKCS1SHA1: "RSA+SHA1"}[a]
		if n == "" {
			n = wire.SignatureName(a)
		}
		if !strings.HasPrefix(n, "sigalg(") {
			sigs = append(sigs, n)
		}
	}
	if len(sigs) > 0 {
		c.add("-sigalgs", strings.Join(sigs, ":"))
	}
	return notes
}

func pick(c bool, a, b string) string {
	if c {
		return a
	}
	return b
}

// curlOfferFlags is offerFlags for curl; it reports false when curl cannot
// send the offer (a version below TLS 1.0, say).
func (b *reproBuilder) curlOfferFlags(c *command, o evidence.Offer) bool {
	if len(o.Versions) == 0 || !b.curlVersionFlags(c, o.Versions...) {
		return false
	}
	t13, older, _ := suiteArgs(o.Suites)
	if len(older) > 0 && slices.Min(o.Versions) < wire.VersionTLS13 {
		c.add("--ciphers", strings.Join(older, ":")+"@SECLEVEL=0")
	}
	if len(t13) > 0 && slices.Contains(o.Versions, wire.VersionTLS13) {
		c.add("--tls13-ciphers", strings.Join(t13, ":"))
	}
	if gs, _ := groupArgs(o.Groups); len(gs) > 0 {
		c.add("--curves", strings.Join(gs, ":"))
	}
	return true
}

// curlVersionFlags limits curl to the versions from the lowest of vs to the
// highest; it reports false when curl cannot (SSL 3.0).
func (b *reproBuilder) curlVersionFlags(c *command, vs ...uint16) bool {
	names := map[uint16]string{wire.VersionTLS10: "1.0", wire.VersionTLS11: "1.1", wire.VersionTLS12: "1.2", wire.VersionTLS13: "1.3"}
	lo, hi := names[slices.Min(vs)], names[slices.Max(vs)]
	if lo == "" || hi == "" {
		return false
	}
	c.add("--tlsv"+lo, "--tls-max", hi)
	return true
}

// acceptedVariant reproduces the hello the server accepted: openssl offers
// exactly what the server chose (version, suite, group), so that success
// can only mean the server accepts it.
func (b *reproBuilder) acceptedVariant(a *evidence.Address, v *evidence.Hello, code cause.Code) (Reproducer, bool) {
	sh := v.ServerHello
	if sh == nil || sh.HelloRetry && code != cause.GroupMismatch {
		// A HelloRetryRequest asks for another key share; whether the
		// handshake then completes was not observed.
		return Reproducer{}, false
	}
	sni := sniAsRun
	if code == cause.SNIRequired {
		sni = sniName
	}
	c := b.openssl(a.Addr, sni)
	ver := sh.NegotiatedVersion()
	suite, named := opensslSuites[sh.CipherSuite]
	if !named {
		return Reproducer{}, false
	}
	versionFlags(c, []uint16{ver})
	// The evidence is the ServerHello: the handshake may still fail later
	// for another reason (a key that does not match, a certificate message
	// too large), so the command shows the ServerHello, as -msg prints it.
	r := Reproducer{Addr: a.Addr, Tool: "openssl", Kind: "works", Expect: "<<< " + wire.VersionName(ver) + ", Handshake [length …], ServerHello"}
	if ver == wire.VersionTLS13 {
		c.add("-ciphersuites", suite)
	} else {
		c.add("-cipher", suite+"@SECLEVEL=0")
		if removedSuite(suite) {
			r.Requires = "openssl ciphers '" + suite + "@SECLEVEL=0'"
			r.Note = "current OpenSSL builds (Debian's among them) no longer have " + suite + "; an older openssl shows it"
		}
	}
	group := uint16(0)
	if sh.KeyShareGroup != 0 {
		group = sh.KeyShareGroup
	} else if v.ServerKeyExchange != nil {
		group = v.ServerKeyExchange.Curve
	}
	if g, ok := opensslGroups[group]; ok && group != 0 && (ver == wire.VersionTLS13 || code == cause.GroupMismatch) {
		groups := []string{g}
		// In TLS 1.2 the groups also bound the curve of an ECDSA
		// certificate: OpenSSL refuses one outside them ("wrong curve").
		if cg := certCurve(v); ver < wire.VersionTLS13 && cg != 0 && cg != group {
			groups = append(groups, opensslGroups[cg])
		}
		c.add("-groups", strings.Join(groups, ":"))
		if code == cause.GroupMismatch {
			if tk, ok := tempKey[group]; ok {
				r.Expect = tk
			}
		}
	}
	if noSecureRenegotiation(sh) {
		c.add("-legacy_server_connect")
		r.Note = strings.TrimPrefix(r.Note+"; the server does not support secure renegotiation (RFC 5746): -legacy_server_connect lets OpenSSL 3 go on", "; ")
	}
	switch code {
	case cause.SNIRequired:
		r.What = fmt.Sprintf("with SNI %q the server accepts (%s, %s)", v.Offer.SNI, wire.VersionName(ver), suite)
	case cause.ProtocolVersionMismatch:
		r.What = fmt.Sprintf("the server accepts %s (with %s)", wire.VersionName(ver), suite)
	case cause.CipherMismatch:
		r.What = fmt.Sprintf("the server accepts %s, which the client does not offer", suite)
		if v.Name == "all-sigalgs" {
			r.What = "offered every signature scheme (OpenSSL's default list), the server accepts"
		}
	case cause.GroupMismatch:
		r.What = fmt.Sprintf("the server accepts the group %s, which the client does not offer", wire.GroupName(group))
	}
	if strings.HasPrefix(r.Expect, "<<<") {
		c.add("-msg")
		c.pipe = "2>&1 | grep ServerHello"
	}
	r.Command = c.String()
	return r, true
}

// removedSuite reports whether OpenSSL builds commonly lack a suite: 3DES,
// RC4, single DES, IDEA, SEED, NULL and export ciphers.
func removedSuite(name string) bool {
	for _, w := range []string{"DES", "RC4", "IDEA", "SEED", "NULL", "EXP"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// certCurve is the group of the curve of an ECDSA leaf a TLS 1.2 hello
// received, or 0.
func certCurve(h *evidence.Hello) uint16 {
	if len(h.Certificates) == 0 {
		return 0
	}
	c, err := x509.ParseCertificate(h.Certificates[0])
	if err != nil {
		return 0
	}
	if bits, kind := chain.KeySize(c); kind == "ECDSA" {
		return map[int]uint16{256: wire.GroupP256, 384: wire.GroupP384, 521: wire.GroupP521}[bits]
	}
	return 0
}

func noSecureRenegotiation(sh *wire.ServerHello) bool {
	return sh != nil && !sh.HelloRetry && sh.NegotiatedVersion() <= wire.VersionTLS12 && !slices.Contains(sh.ExtensionTypes, wire.ExtRenegotiationInfo)
}

// helloOf is the address's hand-built hello, or an empty one where the run
// made none (a one-handshake run, as scan --mode cert saves).
func helloOf(a *evidence.Address) *evidence.Hello {
	if a.Hello == nil {
		return &evidence.Hello{}
	}
	return a.Hello
}

func tooLarge(a *evidence.Address) bool {
	return a.Hello != nil && a.Hello.Outcome == "too_large" || a.Handshake != nil && a.Handshake.Err != nil && a.Handshake.Err.Kind == "too_large"
}

func (b *reproBuilder) tooLarge(a *evidence.Address, ar *AddressResult) []Reproducer {
	what := "the server's certificate message is larger than OpenSSL accepts (100 KiB)"
	o := b.openssl(a.Addr, sniAsRun)
	r := Reproducer{Addr: a.Addr, Tool: "openssl", Kind: "fails", What: what, Expect: "excessive message size"}
	legacy := noSecureRenegotiation(helloOf(a).ServerHello)
	if legacy {
		o.add("-legacy_server_connect")
		r.Note = "the server does not support secure renegotiation (RFC 5746) either; -legacy_server_connect lets OpenSSL 3 get as far as the certificate"
	}
	r.Command = o.String()
	out := []Reproducer{r}
	c := b.curlCmd(a.Addr)
	b.trustFor(ar).handshakeOnly().curlFlags(c)
	cr := b.mk(a.Addr, "curl", "fails", what, c, "excessive message size")
	if legacy {
		cr.What = "curl (OpenSSL 3) stops earlier: the server does not support secure renegotiation (RFC 5746)"
		cr.Expect = "unsafe legacy renegotiation disabled"
	}
	return append(out, cr)
}

func (b *reproBuilder) alertAfterHello(a *evidence.Address, ar *AddressResult, al wire.Alert) []Reproducer {
	o := b.openssl(a.Addr, sniAsRun)
	what := "the server ends the handshake with the alert " + al.Name()
	return []Reproducer{b.mk(a.Addr, "openssl", "fails", what, o, alertReason(al.Description))}
}

func (b *reproBuilder) clientCert(a *evidence.Address, ar *AddressResult) []Reproducer {
	o := b.openssl(a.Addr, sniAsRun)
	if cc := b.run.ClientCert; cc != nil && !cc.KeyMatches {
		return b.clientKeyMismatch(a, o)
	}
	// TLS 1.2 and 1.3 refuse a missing client certificate differently.
	ver := uint16(0)
	if a.Handshake != nil && a.Handshake.Version != 0 {
		ver = a.Handshake.Version
	} else if sh := helloOf(a).ServerHello; sh != nil {
		ver = sh.NegotiatedVersion()
	}
	if ver != 0 {
		versionFlags(o, []uint16{ver})
	}
	r := Reproducer{Addr: a.Addr, Tool: "openssl", Kind: "shows", What: "the server asks for a client certificate", Command: o.String(),
		Expect: "Acceptable client certificate CA names"}
	named := a.Handshake != nil && len(a.Handshake.AcceptableCAs) > 0 || helloOf(a).CertificateRequest != nil && len(helloOf(a).CertificateRequest.AcceptableCAs) > 0
	if !named {
		r.Expect = "No client certificate CA names sent"
	}
	out := []Reproducer{r}
	// A server that completes the handshake without the certificate and
	// refuses the request (nginx's ssl_verify_client on): its HTTP answer.
	if h := a.HTTP; h != nil && h.Outcome == "response" && h.StatusCode >= 400 && b.run.Target.HTTP && b.curlSeesSame(a) {
		c := b.curlCmd(a.Addr)
		c.args = slices.DeleteFunc(c.args, func(s string) bool { return s == "-o" || s == "/dev/null" })
		b.trustFor(ar).handshakeOnly().curlFlags(c)
		expect := bodyLine(h.Body)
		if expect == "" {
			c.add("-o", "/dev/null", "-D", "-")
			expect = h.StatusLine
		}
		return append(out, b.mk(a.Addr, "curl", "fails", "without a client certificate the server refuses the request: "+h.StatusLine, c, expect))
	}
	al := clientCertAlert(a)
	if al == nil {
		return out
	}
	what := "without a client certificate the server ends the connection with " + al.Name()
	if b.run.ClientCert != nil {
		what = "the server refuses the client certificate presented, with " + al.Name()
	}
	// s_client reads on after its input ends (-ign_eof) until the server
	// closes, so it sees an alert sent after the handshake (TLS 1.3) too.
	f := b.openssl(a.Addr, sniAsRun)
	if ver != 0 {
		versionFlags(f, []uint16{ver})
	}
	f.add("-ign_eof")
	out = append(out, b.mk(a.Addr, "openssl", "fails", what, f, alertReason(al.Description)))
	// curl sees an alert within the handshake; one after it (TLS 1.3)
	// races with curl's request, which the closed connection may reset.
	inHandshake := a.Handshake != nil && a.Handshake.Alert != nil && a.Handshake.PostHandshakeAlert == nil && ver != 0 && ver <= wire.VersionTLS12
	if inHandshake && b.curlSeesSame(a) {
		c := b.curlCmd(a.Addr)
		b.curlVersionFlags(c, ver)
		b.trustFor(ar).handshakeOnly().curlFlags(c)
		expect := alertReason(al.Description)
		if al.Description == 45 {
			expect = "curl: (60) SSL certificate" // curl reports certificate_expired as a verification failure
		}
		out = append(out, b.mk(a.Addr, "curl", "fails", what, c, expect))
	}
	return out
}

func (b *reproBuilder) keyMismatch(a *evidence.Address, ar *AddressResult) []Reproducer {
	o := b.openssl(a.Addr, sniAsRun)
	// The proof came from a TLS 1.2 ServerKeyExchange when one was read.
	for _, h := range append([]evidence.Hello{*a.Hello}, a.Variants...) {
		if h.ServerKeyExchange != nil && h.ServerHello != nil && ar.Confidence == "proved" {
			versionFlags(o, []uint16{h.ServerHello.NegotiatedVersion()})
			break
		}
	}
	what := "the server's signature does not verify with its certificate's key"
	out := []Reproducer{b.mk(a.Addr, "openssl", "fails", what, o, "bad signature")}
	if b.curlSeesSame(a) {
		c := b.curlCmd(a.Addr)
		b.trustFor(ar).handshakeOnly().curlFlags(c)
		out = append(out, b.mk(a.Addr, "curl", "fails", what, c, "bad signature"))
	}
	return out
}

func (b *reproBuilder) weakDH(a *evidence.Address, bits int) []Reproducer {
	o := b.openssl(a.Addr, sniAsRun)
	level := "1"
	if b.p.MinDHBits >= 2048 {
		level = "2"
	}
	o.add("-tls1_2", "-cipher", "DHE@SECLEVEL="+level)
	return []Reproducer{b.mk(a.Addr, "openssl", "fails", fmt.Sprintf("the server's %d-bit DH group is too small", bits), o, "dh key too small")}
}

// verify describes OpenSSL's verification error for a certificate cause.
type verifyError struct {
	num    int
	reason string
	curl   string // curl's message, when it differs from "SSL certificate problem: " + reason
}

func (v verifyError) openssl() string { return fmt.Sprintf("verify error:num=%d:%s", v.num, v.reason) }

// certificate reproduces a certificate verdict.
func (b *reproBuilder) certificate(a *evidence.Address, ar *AddressResult) []Reproducer {
	served := b.servedChain(a)
	if len(served) == 0 {
		return nil
	}
	leaf := served[0]
	var ve verifyError
	switch ar.Cause {
	case cause.CertExpired:
		ve = verifyError{num: 10, reason: "certificate has expired"}
	case cause.CertNotYetValid:
		ve = verifyError{num: 9, reason: "certificate is not yet valid"}
	case cause.HostnameMismatch:
		ve = verifyError{num: 62, reason: "hostname mismatch", curl: "no alternative certificate subject name matches target host name"}
		if isIPLiteral(b.run.Target.ServerName) {
			ve = verifyError{num: 64, reason: "IP address mismatch", curl: "no alternative certificate subject name matches target host name"}
		}
		if len(leaf.DNSNames) == 0 && len(leaf.IPAddresses) == 0 {
			ve.curl = "does not match target host name"
		}
	case cause.ChainIncomplete:
		ve = verifyError{num: 20, reason: "unable to get local issuer certificate"}
	case cause.UntrustedRoot:
		ve = verifyError{num: 20, reason: "unable to get local issuer certificate"}
		if top := served[len(served)-1]; len(served) > 1 && top.IsCA && string(top.RawIssuer) == string(top.RawSubject) {
			ve = verifyError{num: 19, reason: "self-signed certificate in certificate chain"}
		}
	case cause.SelfSigned:
		ve = verifyError{num: 18, reason: "self-signed certificate"}
	case cause.WeakSignature:
		ve = verifyError{num: 68, reason: "CA signature digest algorithm too weak"}
	case cause.WeakKey:
		ve = verifyError{num: 66, reason: "EE certificate key too weak"}
		if !b.weak(leaf) {
			ve = verifyError{num: 67, reason: "CA certificate key too weak"}
		}
	case cause.BadKeyUsage:
		ve = verifyError{num: 26, reason: "unsuitable certificate purpose"}
	case cause.CNWithoutSAN:
		return b.showCert(a, ar, "-subject -ext subjectAltName", "CN = "+b.run.Target.ServerName, "Subject Alternative Name",
			"the certificate names "+b.run.Target.ServerName+" only in its subject CN: no subjectAltName",
			"OpenSSL and curl still fall back to the CN and accept it; Go, Python, Chrome, Firefox and Safari do not")
	case cause.CertInvalid:
		if slices.ContainsFunc(served, func(c *x509.Certificate) bool { return len(c.UnhandledCriticalExtensions) > 0 }) {
			ve = verifyError{num: 34, reason: "unhandled critical extension"}
			break
		}
		if leaf.IsCA {
			return b.showCert(a, ar, "-ext basicConstraints", "CA:TRUE", "",
				"the server's certificate is a CA certificate (basicConstraints CA:TRUE)",
				"OpenSSL and curl accept a CA certificate as a server's; Go and Java refuse it")
		}
		return nil
	default:
		return nil
	}
	tr := b.trustFor(ar)
	o := b.openssl(a.Addr, sniAsRun)
	tr.opensslFlags(o)
	b.allowKex(o, a, false)
	// OpenSSL stops at the first error in its own order (chain, purpose,
	// key sizes, name, dates), not tlsdoctor's: the checks that the
	// certificate's other problems would fail first are switched off, so
	// that the error shown is the cause's.
	others := map[cause.Code]bool{}
	for _, f := range ar.Findings {
		if f.Code != ar.Cause && f.Code.Info().Layer == "certificate" {
			others[f.Code] = true
		}
	}
	var off []string
	switch {
	case ar.Cause == cause.WeakKey || ar.Cause == cause.WeakSignature:
		o.add("-auth_level", strconv.Itoa(b.authLevel()))
	case others[cause.WeakKey] || others[cause.WeakSignature]:
		o.add("-auth_level", "0")
		off = append(off, "-auth_level 0 accepts the weak key or signature this client accepts too")
	}
	delete(others, cause.WeakKey)
	delete(others, cause.WeakSignature)
	if others[cause.HostnameMismatch] {
		off = append(off, "the name is not checked: it does not match either")
	} else {
		b.hostCheck(o)
	}
	delete(others, cause.HostnameMismatch)
	if (others[cause.CertExpired] || others[cause.CertNotYetValid]) && ar.Cause != cause.CertExpired && ar.Cause != cause.CertNotYetValid {
		o.add("-no_check_time")
		off = append(off, "-no_check_time: the dates are wrong too")
	} else {
		b.attime(o)
	}
	delete(others, cause.CertExpired)
	delete(others, cause.CertNotYetValid)
	delete(others, cause.CNWithoutSAN) // OpenSSL falls back to the CN
	alone := len(others) == 0
	if alone {
		o.add("-verify_return_error")
	}
	what := certWhat(ar.Cause)
	r := b.mk(a.Addr, "openssl", "fails", what, o, ve.openssl())
	r.Needs = tr.needs
	if !alone {
		off = append(off, "without -verify_return_error, so that OpenSSL lists every verification error: the certificate has other problems too (see the findings)")
	}
	if ar.Cause == cause.SelfSigned || ar.Cause == cause.BadKeyUsage {
		off = append(off, "OpenSSL 1.1 words it "+pick(ar.Cause == cause.SelfSigned, `"self signed certificate"`, `"unsupported certificate purpose"`))
	}
	r.Note = strings.Join(off, "; ")
	if legacy := noSecureRenegotiation(helloOf(a).ServerHello); legacy {
		o.add("-legacy_server_connect")
		r.Command = o.String()
	}
	// curl cannot switch checks off: it shows only a sole problem.
	sole := !slices.ContainsFunc(ar.Findings, func(f Finding) bool { return f.Code != ar.Cause && f.Code.Info().Layer == "certificate" })
	out := []Reproducer{r}
	// curl sends SNI and checks the name always, and stops at the first
	// error OpenSSL reports: it reproduces only a certificate's sole problem
	// seen with SNI, at the time of the run.
	if sole && b.curlSeesSame(a) && b.run.At.IsZero() && b.p.ChecksHostname && !noSecureRenegotiation(helloOf(a).ServerHello) {
		c := b.curlCmd(a.Addr)
		tr.curlFlags(c)
		b.allowKex(c, a, true)
		ce := "SSL certificate problem: " + ve.reason
		if ve.curl != "" {
			ce = ve.curl
		}
		cr := b.mk(a.Addr, "curl", "fails", what, c, ce)
		cr.Needs = tr.needs
		if ar.Cause == cause.WeakKey || ar.Cause == cause.WeakSignature {
			cr.Note = "curl uses OpenSSL's default security level: at level 1 (some distributions) it accepts this"
		}
		out = append(out, cr)
	}
	if ar.Cause == cause.ChainIncomplete {
		out = append(out, b.aiaShows(a)...)
	}
	return out
}

func certWhat(c cause.Code) string {
	switch c {
	case cause.CertExpired:
		return "a certificate of the chain has expired"
	case cause.CertNotYetValid:
		return "a certificate of the chain is not yet valid"
	case cause.HostnameMismatch:
		return "the certificate does not cover the name"
	case cause.ChainIncomplete:
		return "the chain does not reach a trusted root: an intermediate is missing"
	case cause.UntrustedRoot:
		return "the chain ends at a CA the client does not trust"
	case cause.SelfSigned:
		return "the certificate is self-signed"
	case cause.WeakSignature:
		return "a certificate is signed with a weak digest"
	case cause.WeakKey:
		return "a certificate's key is too small"
	case cause.BadKeyUsage:
		return "the certificate is not for TLS server authentication"
	}
	return c.Info().Summary
}

// authLevel is the OpenSSL security level matching the profile's minimum
// RSA size (level 1: 1024 bits, 2: 2048, 3: 3072).
func (b *reproBuilder) authLevel() int {
	switch {
	case b.p.MinRSABits >= 3072:
		return 3
	case b.p.MinRSABits >= 2048:
		return 2
	}
	return 1
}

func (b *reproBuilder) weak(c *x509.Certificate) bool {
	bits, kind := chain.KeySize(c)
	switch kind {
	case "RSA":
		return bits < b.p.MinRSABits
	case "ECDSA":
		return bits < b.p.MinECBits
	}
	return false
}

// showCert prints a certificate field with s_client and openssl x509.
func (b *reproBuilder) showCert(a *evidence.Address, ar *AddressResult, fields, expect, absent, what, note string) []Reproducer {
	o := b.openssl(a.Addr, sniAsRun)
	o.pipe = "2>/dev/null | openssl x509 -noout " + fields
	r := b.mk(a.Addr, "openssl", "shows", what, o, expect)
	r.ExpectAbsent, r.Note = absent, note
	return []Reproducer{r}
}

// aiaShows fetches the missing intermediate from the AIA URL the run
// fetched it from.
func (b *reproBuilder) aiaShows(a *evidence.Address) []Reproducer {
	for _, f := range b.run.AIA {
		cert, err := x509.ParseCertificate(f.Certificate)
		if err != nil || cert.Subject.CommonName == "" {
			continue
		}
		u := strings.ToLower(f.URL)
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			continue
		}
		decode := "openssl x509 -inform DER -noout -subject"
		switch {
		case strings.HasSuffix(u, ".pem"):
			decode = "openssl x509 -noout -subject"
		case strings.HasSuffix(u, ".p7c"), strings.HasSuffix(u, ".p7b"):
			decode = "openssl pkcs7 -inform DER -print_certs -noout"
		}
		c := &command{args: []string{"curl", "-sS", f.URL}, pipe: "| " + decode}
		return []Reproducer{{Addr: a.Addr, Tool: "curl", Kind: "shows",
			What:    fmt.Sprintf("the certificate's AIA URL serves the missing intermediate %q", cert.Subject.CommonName),
			Command: c.String(), Expect: "CN = " + cert.Subject.CommonName}}
	}
	return nil
}

// servedChain is the chain the server sent, as the verdict judged it.
func (b *reproBuilder) servedChain(a *evidence.Address) []*x509.Certificate {
	certs, _ := (&ctx{run: b.run, p: b.p}).servedCerts(a)
	return certs
}

// sniByCert reproduces SNI_REQUIRED decided from the certificates: without
// SNI the default certificate does not cover the name; with it, it does.
func (b *reproBuilder) sniByCert(a *evidence.Address, ar *AddressResult) []Reproducer {
	tr := b.trustFor(ar)
	o := b.openssl(a.Addr, sniNone)
	tr.opensslFlags(o)
	b.hostCheck(o)
	r := b.mk(a.Addr, "openssl", "fails", "without SNI the server presents a certificate that does not cover the name", o, verifyError{num: 62, reason: "hostname mismatch"}.openssl())
	if isIPLiteral(b.run.Target.ServerName) {
		r.Expect = verifyError{num: 64, reason: "IP address mismatch"}.openssl()
	}
	r.Needs = tr.needs
	w := b.openssl(a.Addr, sniName)
	tr.opensslFlags(w)
	b.hostCheck(w)
	ok := b.mk(a.Addr, "openssl", "works", "with SNI the server presents a certificate that covers the name", w, "Verify return code: 0 (ok)")
	ok.Needs = tr.needs
	return []Reproducer{r, ok}
}

// http reproduces an application-layer verdict with curl.
func (b *reproBuilder) http(a *evidence.Address, ar *AddressResult) []Reproducer {
	h := a.HTTP
	if h == nil || !b.run.Target.HTTP || !b.curlSeesSame(a) {
		return nil
	}
	tr := b.trustFor(ar).handshakeOnly()
	c := b.curlCmd(a.Addr)
	tr.curlFlags(c)
	var out []Reproducer
	switch h.Outcome {
	case "not_http", "tls_record":
		what := "the reply to an HTTP request is not HTTP"
		if h.Outcome == "tls_record" {
			what = "the reply to an HTTP request is another TLS record"
		}
		if len(h.First) > 0 && !strings.HasPrefix(string(h.First), "HTTP/") {
			r := b.mk(a.Addr, "curl", "fails", what, c, "Received HTTP/0.9 when not allowed")
			r.Needs = tr.needs
			out = append(out, r)
		}
		// The reply itself, as curl receives it.
		raw := b.curlCmd(a.Addr)
		raw.args = slices.DeleteFunc(raw.args, func(s string) bool { return s == "-o" || s == "/dev/null" })
		tr.curlFlags(raw)
		raw.add("--http0.9")
		r := Reproducer{Addr: a.Addr, Tool: "curl", Kind: "shows", What: "the bytes the server sends back", Needs: tr.needs}
		if line := printableLine(h.First); line != "" {
			r.Expect = line
		} else if len(h.First) >= 3 {
			raw.pipe = "| od -An -tx1 | head -n 1"
			var hx []string
			for _, x := range h.First[:min(5, len(h.First))] {
				hx = append(hx, fmt.Sprintf("%02x", x))
			}
			r.Expect = strings.Join(hx, " ")
			if h.Outcome == "tls_record" {
				r.Note = "a record starting 15 03 is a TLS alert, 16 03 a TLS handshake: the next hop expects TLS"
			}
		} else {
			return out
		}
		r.Command = raw.String()
		out = append(out, r)
	case "interim_only":
		c.add("-D", "-")
		c.pipe = "2>&1 | uniq -c | head -n 3"
		r := b.mk(a.Addr, "curl", "fails", "the server answers with interim responses only, never a final one", c, h.StatusLine)
		r.Note = "curl follows the interim responses until the server gives up"
		out = append(out, r)
	case "headers_too_large":
		r := b.mk(a.Addr, "curl", "fails", "the server's response headers do not end", c, "Too large response headers")
		r.Note = "curl 7.88 (Debian 12) stops at 300 KiB of headers; other versions word it differently"
		out = append(out, r)
	case "truncated":
		if h.Err == nil || h.Err.Kind != "reset" {
			return nil
		}
		out = append(out, b.mk(a.Addr, "curl", "fails", "the server resets the connection in the middle of its reply", c, "Connection reset by peer"))
	case "alert":
		out = append(out, b.mk(a.Addr, "curl", "fails", "after the handshake the server sends the alert "+h.Alert.Name(), c, alertReason(h.Alert.Description)))
	case "eof":
		out = append(out, b.mk(a.Addr, "curl", "fails", "the server closes without an HTTP reply", c, "curl: (52) Empty reply from server"))
	case "reset":
		out = append(out, b.mk(a.Addr, "curl", "fails", "the server resets the connection without an HTTP reply", c, "Connection reset by peer"))
	case "timeout":
		c.add("--max-time", seconds(h.Duration.Seconds()+0.5))
		r := b.mk(a.Addr, "curl", "fails", "the server sends no HTTP reply", c, "curl: (28)")
		r.Note = "(28) is curl's time-out"
		out = append(out, r)
	}
	for i := range out {
		out[i].Needs = tr.needs
	}
	return out
}

// printableLine is the first line of b when it is printable text.
func printableLine(b []byte) string {
	line := string(b)
	if i := strings.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	if len(line) < 3 {
		return ""
	}
	for _, r := range line {
		if r < 0x20 || r > 0x7e {
			return ""
		}
	}
	if len(line) > 60 {
		line = line[:60]
	}
	return line
}

// ok shows the healthy connection the verdict describes.
func (b *reproBuilder) ok(a *evidence.Address, ar *AddressResult) []Reproducer {
	tr := b.trustFor(ar)
	// OpenSSL's rules refuse some of what a client accepts (a weak key, a
	// chain a browser completes from AIA); a client that trusts any root
	// cannot be mirrored either. Then the command does not verify.
	mirrored := tr.mirrored
	tolerated := !mirrored || slices.ContainsFunc(ar.Findings, func(f Finding) bool { return f.Code.Info().Layer == "certificate" })
	if tolerated {
		tr = trust{}
	}
	hs := a.Handshake
	var ver uint16
	suite := ""
	if hs != nil && hs.OK {
		ver = hs.Version
		suite = opensslSuites[hs.CipherSuite]
	} else {
		return b.firstFlight(a)
	}
	// Current OpenSSL defaults refuse TLS 1.0 and 1.1 and legacy suites
	// that this client and server agree on: the command pins what they
	// negotiated, at security level 0.
	legacy := ver != 0 && ver < wire.VersionTLS12 || removedSuite(suite)
	var r Reproducer
	if h := a.HTTP; h != nil && h.Outcome == "response" && b.run.Target.HTTP && b.curlSeesSame(a) && !noSecureRenegotiation(helloOf(a).ServerHello) {
		c := b.curlCmd(a.Addr)
		c.add("-D", "-")
		if legacy {
			if suite == "" || !b.curlVersionFlags(c, ver) {
				return nil
			}
			c.add("--ciphers", suite+"@SECLEVEL=0")
		}
		tr.curlFlags(c)
		r = b.mk(a.Addr, "curl", "works", "the handshake and the HTTP request succeed", c, h.StatusLine)
	} else {
		o := b.openssl(a.Addr, sniAsRun)
		r = Reproducer{Addr: a.Addr, Tool: "openssl", Kind: "works", What: "the handshake succeeds"}
		switch {
		case suite == "":
			return nil
		case tr.verify && !legacy:
			tr.opensslFlags(o)
			o.add("-verify_return_error")
			b.hostCheck(o)
			r.Expect = "Verify return code: 0 (ok)"
		default:
			r.Expect = "Cipher is " + suite
			versionFlags(o, []uint16{ver})
			if ver == wire.VersionTLS13 {
				o.add("-ciphersuites", suite)
			} else {
				o.add("-cipher", suite+"@SECLEVEL=0")
			}
		}
		if noSecureRenegotiation(helloOf(a).ServerHello) {
			o.add("-legacy_server_connect")
		}
		r.Command = o.String()
	}
	r.Needs = tr.needs
	if removedSuite(suite) {
		r.Requires = "openssl ciphers '" + suite + "@SECLEVEL=0'"
	}
	switch {
	case tolerated && mirrored:
		r.Note = "without verification: OpenSSL's own rules refuse what this client accepts (see the findings)"
	case tolerated && b.p.Verifies():
		r.Note = "without verification: the tools cannot be given this client's trust store"
	}
	return []Reproducer{r}
}

// attempts reproduces an address whose attempts disagree: the same command,
// several times, tallied.
func (b *reproBuilder) attempts(a *evidence.Address) []Reproducer {
	expect := ""
	for _, h := range append([]evidence.Hello{*a.Hello}, a.Repeats...) {
		if !h.Accepted() {
			expect = refusal(&h)
			break
		}
	}
	for _, hs := range []*evidence.Handshake{a.Handshake, a.HandshakeRepeat} {
		if expect == "" && hs != nil && !hs.OK && hs.Err != nil {
			expect = handshakeFailure(hs)
		}
	}
	if expect == "" {
		return nil
	}
	o := b.openssl(a.Addr, sniAsRun)
	o.prefix = "for i in 1 2 3 4 5 6 7 8; do "
	o.pipe = "2>&1 | grep -o -m1 -e " + shellQuote(expect) + " -e 'Cipher is [^ ]*'; done | sort | uniq -c"
	r := b.mk(a.Addr, "openssl", "fails", "the server breaks off some connections and completes others: eight tries, tallied", o, expect)
	r.Note = "the tally shows both answers; a server that fails rarely may need more tries"
	return []Reproducer{r}
}

// malformed reproduces a server whose handshake messages break the
// protocol, with the client's own offer (the server answered that one),
// predicting OpenSSL's word for the defect where the evidence names it,
// and otherwise the failed handshake.
func (b *reproBuilder) malformed(a *evidence.Address) []Reproducer {
	if a.Hello == nil {
		return nil // a one-handshake run: no hello to repeat
	}
	h := a.Hello
	what := "OpenSSL refuses the server's answer too"
	expect := "Cipher is (NONE)"
	exts, dup := serverHelloExtensions(h.First)
	offers13 := slices.Contains(h.Offer.Versions, wire.VersionTLS13)
	switch {
	case h.Err != nil && h.Err.Subject == "record header" && recordLength(h.First) > 16384+2048:
		what, expect = fmt.Sprintf("the server's record claims %d bytes, more than TLS allows", recordLength(h.First)), "packet length too long"
	case dup != 0:
		what, expect = fmt.Sprintf("the server's ServerHello carries extension %d twice", dup), "bad extension"
	case !offers13 && (slices.Contains(exts, wire.ExtSupportedVersions) || h.Err != nil && h.Err.Subject == "HelloRetryRequest"):
		// A HelloRetryRequest always carries supported_versions.
		what, expect = "the server answers with TLS 1.3's supported_versions, which the client did not send", "unsolicited extension"
	case h.Err != nil && h.Err.Subject == "HelloRetryRequest":
		what, expect = "the server answers the second ClientHello with another HelloRetryRequest", "unexpected message"
	case h.ServerHello != nil && h.Downgraded():
		what, expect = fmt.Sprintf("the server answers at %s, which the client did not offer", wire.VersionName(h.ServerHello.NegotiatedVersion())), "unsupported protocol"
	case h.ServerHello != nil && len(h.Offer.Suites) > 0 && !slices.Contains(h.Offer.Suites, h.ServerHello.CipherSuite):
		what, expect = fmt.Sprintf("the server selects %s, which the client did not offer", wire.SuiteName(h.ServerHello.CipherSuite)), "wrong cipher returned"
	}
	answered := len(h.First) > 0 && h.First[0] == wire.RecordHandshake
	o := b.openssl(a.Addr, sniAsRun)
	if answered {
		b.offerFlags(o, h.Offer)
	}
	out := []Reproducer{b.mk(a.Addr, "openssl", "fails", what, o, expect)}
	if expect != "Cipher is (NONE)" && b.curlSeesSame(a) {
		c := b.curlCmd(a.Addr)
		if answered && !b.curlOfferFlags(c, h.Offer) {
			return out
		}
		out = append(out, b.mk(a.Addr, "curl", "fails", what, c, expect))
	}
	return out
}

// recordLength is the length field of the TLS record header that starts b.
func recordLength(b []byte) int {
	if len(b) < 5 {
		return 0
	}
	return int(b[3])<<8 | int(b[4])
}

// serverHelloExtensions lists the extension types of a ServerHello (or
// HelloRetryRequest) at the start of the record b, and the first one that
// appears twice (0 if none).
func serverHelloExtensions(b []byte) (types []uint16, dup uint16) {
	s := cryptobyte.String(b)
	var typ, msgType uint8
	var ver uint16
	var rec, body cryptobyte.String
	if !s.ReadUint8(&typ) || typ != wire.RecordHandshake || !s.ReadUint16(&ver) || !s.ReadUint16LengthPrefixed(&rec) ||
		!rec.ReadUint8(&msgType) || msgType != wire.TypeServerHello || !rec.ReadUint24LengthPrefixed(&body) {
		return nil, 0
	}
	var sid, exts cryptobyte.String
	var suite uint16
	var comp uint8
	if !body.Skip(2+32) || !body.ReadUint8LengthPrefixed(&sid) || !body.ReadUint16(&suite) || !body.ReadUint8(&comp) ||
		!body.ReadUint16LengthPrefixed(&exts) {
		return nil, 0
	}
	for !exts.Empty() {
		var t uint16
		var data cryptobyte.String
		if !exts.ReadUint16(&t) || !exts.ReadUint16LengthPrefixed(&data) {
			return types, dup
		}
		if dup == 0 && slices.Contains(types, t) {
			dup = t
		}
		types = append(types, t)
	}
	return types, dup
}

// opensslMaxCertList is OpenSSL's default limit on a certificate message.
const opensslMaxCertList = 100 << 10

// servedMessageSize is the size of the server's Certificate message, as
// the verdict computes it.
func (b *reproBuilder) servedMessageSize(a *evidence.Address) int {
	v := uint16(wire.VersionTLS12)
	if a.Handshake != nil && a.Handshake.Version != 0 {
		v = a.Handshake.Version
	}
	return certMessageSize(b.servedChain(a), v)
}

// chainTooLong reproduces a chain longer than the client's verify depth
// with -verify_depth, and shows it passing with the depth it needs.
func (b *reproBuilder) chainTooLong(a *evidence.Address, ar *AddressResult) []Reproducer {
	depth := b.p.MaxIntermediates
	need := len(ar.Certificates) - 2
	if depth <= 0 || need <= depth {
		return nil
	}
	tr := b.trustFor(ar)
	mk := func(d int) *command {
		o := b.openssl(a.Addr, sniAsRun)
		tr.opensslFlags(o)
		o.add("-verify_depth", strconv.Itoa(d), "-verify_return_error")
		b.hostCheck(o)
		return o
	}
	fails := b.mk(a.Addr, "openssl", "fails", fmt.Sprintf("the chain has %d intermediates; this client's verify depth allows %d", need, depth), mk(depth), verifyError{num: 22, reason: "certificate chain too long"}.openssl())
	works := b.mk(a.Addr, "openssl", "works", fmt.Sprintf("with a verify depth of %d the chain verifies", need), mk(need), "Verify return code: 0 (ok)")
	fails.Needs, works.Needs = tr.needs, tr.needs
	return []Reproducer{fails, works}
}

// firstFlight shows, for a verdict resting on the server's first flight
// alone (its handshake cannot be completed), that OpenSSL accepts that
// flight too: it gets as far as the key exchange.
func (b *reproBuilder) firstFlight(a *evidence.Address) []Reproducer {
	if a.Hello == nil {
		return nil // a one-handshake run: no hello to repeat
	}
	h := a.Hello
	if h == nil || h.ServerHello == nil || h.ServerKeyExchange == nil {
		return nil
	}
	suite, ok := opensslSuites[h.ServerHello.CipherSuite]
	if !ok {
		return nil
	}
	expect := ""
	switch ske := h.ServerKeyExchange; {
	case ske.DHPBits > 0:
		expect = fmt.Sprintf("Server Temp Key: DH, %d bits", ske.DHPBits)
	default:
		expect = tempKey[ske.Curve]
	}
	if expect == "" {
		return nil
	}
	o := b.openssl(a.Addr, sniAsRun)
	versionFlags(o, []uint16{h.ServerHello.NegotiatedVersion()})
	o.add("-cipher", suite+"@SECLEVEL=0")
	if noSecureRenegotiation(h.ServerHello) {
		o.add("-legacy_server_connect")
	}
	r := b.mk(a.Addr, "openssl", "works", "OpenSSL accepts the server's first flight too, up to its key exchange", o, expect)
	r.Note = "the handshake itself does not complete here, as it did not for tlsdoctor"
	return []Reproducer{r}
}

// Shown reports whether output shows what r predicts: a line with Expect
// ("…" matching any text within the line), and none with ExpectAbsent.
func (r Reproducer) Shown(output string) bool {
	if r.ExpectAbsent != "" && strings.Contains(output, r.ExpectAbsent) {
		return false
	}
	parts := strings.Split(r.Expect, "…")
	for _, line := range strings.Split(output, "\n") {
		rest, ok := line, true
		for _, p := range parts {
			i := strings.Index(rest, p)
			if i < 0 {
				ok = false
				break
			}
			rest = rest[i+len(p):]
		}
		if ok {
			return true
		}
	}
	return false
}

// handshakeFailure is what openssl prints for a full handshake that failed
// as hs did, or "" when it cannot be predicted.
func handshakeFailure(hs *evidence.Handshake) string {
	switch {
	case hs.Alert != nil:
		return alertReason(hs.Alert.Description)
	case hs.Err.Kind == "eof":
		return "unexpected eof while reading"
	case hs.Err.Kind == "reset":
		return "errno=104"
	}
	return ""
}

// proxyConnect reproduces a proxy that did not open the tunnel.
func (b *reproBuilder) proxyConnect(a *evidence.Address) []Reproducer {
	pc := a.Proxy
	if pc == nil || b.run.Proxy == nil {
		return nil
	}
	var out []Reproducer
	switch {
	case pc.StatusCode != 0:
		what := "the proxy answers CONNECT with " + strings.TrimPrefix(strings.TrimPrefix(pc.StatusLine, "HTTP/1.1 "), "HTTP/1.0 ")
		if !strings.HasPrefix(b.run.Proxy.URL, "https://") {
			out = append(out, b.mk(a.Addr, "openssl", "fails", what, b.openssl(a.Addr, sniAsRun), fmt.Sprintf("HTTP CONNECT failed, reason= %d", pc.StatusCode)))
		}
		c := b.curlCmd(a.Addr)
		out = append(out, b.mk(a.Addr, "curl", "fails", what, c, fmt.Sprintf("CONNECT tunnel failed, response %d", pc.StatusCode)))
	case pc.Stage == "dial" && pc.Err != nil && pc.Err.Kind == "refused":
		c := b.curlCmd(a.Addr)
		out = append(out, b.mk(a.Addr, "curl", "fails", "nothing listens at the proxy's address", c, "curl: (7) Failed to connect to"))
	}
	return out
}

// proxyTLS reproduces an https:// proxy whose own certificate the client
// refuses: straight to the proxy with openssl, and through it with curl.
func (b *reproBuilder) proxyTLS(a *evidence.Address, ar *AddressResult) []Reproducer {
	pc, px := a.Proxy, b.run.Proxy
	if pc == nil || px == nil || len(pc.ProxyCertificates) == 0 {
		return nil
	}
	var certs []*x509.Certificate
	for _, der := range pc.ProxyCertificates {
		if c, err := x509.ParseCertificate(der); err == nil {
			certs = append(certs, c)
		}
	}
	if len(certs) == 0 {
		return nil
	}
	top := certs[len(certs)-1]
	ve := verifyError{num: 20, reason: "unable to get local issuer certificate"}
	if string(top.RawIssuer) == string(top.RawSubject) {
		ve = verifyError{num: 19, reason: "self-signed certificate in certificate chain"}
		if len(certs) == 1 {
			ve = verifyError{num: 18, reason: "self-signed certificate"}
		}
	}
	tr := b.trustFor(nil)
	proxyAddr := strings.TrimPrefix(strings.TrimPrefix(px.URL, "https://"), "http://")
	o := &command{args: []string{"openssl", "s_client", "-connect", proxyAddr}, stdin: true}
	if h, _, ok := splitAddr(proxyAddr); ok && isIPLiteral(h) {
		o.add("-noservername")
	}
	tr.opensslFlags(o)
	o.add("-verify_return_error")
	what := "the client refuses the https:// proxy's own certificate"
	r := b.mk(a.Addr, "openssl", "fails", what, o, ve.openssl())
	r.Needs = tr.needs
	c := b.curlCmd(a.Addr)
	tr.curlFlags(c)
	cr := b.mk(a.Addr, "curl", "fails", what, c, "SSL certificate problem: "+ve.reason)
	cr.Needs = tr.needs
	return []Reproducer{r, cr}
}

// revoked reproduces a revoked certificate from the source that said so:
// the stapled response, the OCSP responder, the CRL.
func (b *reproBuilder) revoked(a *evidence.Address) []Reproducer {
	served := b.servedChain(a)
	if len(served) == 0 {
		return nil
	}
	leaf := served[0]
	var out []Reproducer
	if hs := a.Handshake; hs != nil && len(hs.OCSPResponse) > 0 {
		if resp, err := ocsp.ParseResponse(hs.OCSPResponse, nil); err == nil && resp.Status == ocsp.Revoked {
			o := b.openssl(a.Addr, sniAsRun)
			o.add("-status")
			b.allowKex(o, a, false)
			out = append(out, b.mk(a.Addr, "openssl", "shows", "the OCSP response the server staples says the certificate is revoked", o, "Cert Status: revoked"))
		}
	}
	for _, f := range b.run.Revocation {
		if f.Err != nil || len(f.Response) == 0 {
			continue
		}
		switch f.Kind {
		case "ocsp":
			resp, err := ocsp.ParseResponse(f.Response, nil)
			if err != nil || resp.Status != ocsp.Revoked || f.Serial != leaf.SerialNumber.Text(16) || len(served) < 2 {
				continue
			}
			// The issuer is the second certificate the server sends.
			o := b.openssl(a.Addr, sniAsRun)
			o.add("-showcerts")
			o.pipe = "2>/dev/null | awk '/BEGIN CERT/{n++} n==2' | openssl x509 > issuer.pem && openssl ocsp -issuer issuer.pem -serial 0x" + f.Serial + " -url " + shellQuote(f.URL) + " -noverify"
			r := b.mk(a.Addr, "openssl", "shows", "the OCSP responder "+f.URL+" says the certificate is revoked", o, "0x"+f.Serial+": revoked")
			r.Note = "writes the issuer, taken from the chain the server sends, to issuer.pem"
			out = append(out, r)
		case "crl":
			crl, err := x509.ParseRevocationList(f.Response)
			if err != nil {
				continue
			}
			serial := strings.ToUpper(f.Serial)
			if len(serial)%2 == 1 {
				serial = "0" + serial
			}
			listed := slices.ContainsFunc(crl.RevokedCertificateEntries, func(e x509.RevocationListEntry) bool {
				return strings.EqualFold(e.SerialNumber.Text(16), f.Serial)
			})
			if !listed {
				continue
			}
			c := &command{args: []string{"curl", "-sS", f.URL}, pipe: "| openssl crl -inform DER -noout -text | grep -A1 'Serial Number: " + serial + "'"}
			out = append(out, b.mk(a.Addr, "curl", "shows", "the CRL "+f.URL+" lists the certificate with serial "+serial, c, "Serial Number: "+serial))
		}
	}
	return out
}

// revocationUnavailable reproduces a client that insists on revocation
// status it cannot get: a must-staple certificate without a staple, or
// revocation sources that do not answer.
func (b *reproBuilder) revocationUnavailable(a *evidence.Address) []Reproducer {
	served := b.servedChain(a)
	if len(served) == 0 {
		return nil
	}
	leaf := served[0]
	var out []Reproducer
	if mustStaple(leaf) && (a.Handshake == nil || len(a.Handshake.OCSPResponse) == 0) {
		o := b.openssl(a.Addr, sniAsRun)
		o.add("-status")
		b.allowKex(o, a, false)
		out = append(out, b.mk(a.Addr, "openssl", "fails", "the server staples no OCSP response", o, "OCSP response: no response sent"))
		x := b.openssl(a.Addr, sniAsRun)
		b.allowKex(x, a, false)
		x.pipe = "2>/dev/null | openssl x509 -noout -ext tlsfeature"
		out = append(out, b.mk(a.Addr, "openssl", "shows", "the certificate demands one (TLS feature status_request: OCSP must-staple)", x, "status_request"))
		return out
	}
	for _, f := range b.run.Revocation {
		if f.Err == nil || f.Serial != leaf.SerialNumber.Text(16) {
			continue
		}
		c := &command{args: []string{"curl", "-sS", "-o", "/dev/null"}}
		what := fmt.Sprintf("the %s %s does not answer", map[string]string{"ocsp": "OCSP responder", "crl": "CRL at"}[f.Kind], f.URL)
		switch f.Err.Kind {
		case "refused":
			c.add(f.URL)
			out = append(out, b.mk(a.Addr, "curl", "fails", what, c, "curl: (7) Failed to connect to"))
		case "timeout":
			c.add("--max-time", seconds(f.Duration.Seconds()+0.5), f.URL)
			out = append(out, b.mk(a.Addr, "curl", "fails", what, c, "curl: (28)"))
		}
	}
	if len(out) > 0 {
		return out
	}
	if len(leaf.OCSPServer) == 0 && len(leaf.CRLDistributionPoints) == 0 && leaf.Subject.CommonName != "" {
		// Nowhere to ask: the certificate names no OCSP responder and no CRL.
		x := b.openssl(a.Addr, sniAsRun)
		b.allowKex(x, a, false)
		x.pipe = "2>/dev/null | openssl x509 -noout -subject -ext crlDistributionPoints,authorityInfoAccess"
		r := b.mk(a.Addr, "openssl", "shows", "the certificate names no OCSP responder and no CRL distribution point", x, "CN = "+leaf.Subject.CommonName)
		r.ExpectAbsent = "URI:"
		return append(out, r)
	}
	o := b.openssl(a.Addr, sniAsRun)
	o.add("-status")
	b.allowKex(o, a, false)
	if a.Handshake == nil || len(a.Handshake.OCSPResponse) == 0 {
		out = append(out, b.mk(a.Addr, "openssl", "fails", "the server staples no OCSP response", o, "OCSP response: no response sent"))
	} else {
		// A staple the client cannot use (out of date): its dates.
		out = append(out, b.mk(a.Addr, "openssl", "shows", "the OCSP response the server staples, with the dates it is good for (This Update, Next Update)", o, "Next Update:"))
	}
	return out
}

// intercepted shows whose CA issued the certificate the client received,
// and, when the run also connected directly, the server's own.
func (b *reproBuilder) intercepted(a *evidence.Address) []Reproducer {
	served := b.servedChain(a)
	if len(served) == 0 || served[0].Issuer.CommonName == "" {
		return nil
	}
	o := b.openssl(a.Addr, sniAsRun)
	o.pipe = "2>/dev/null | openssl x509 -noout -issuer"
	out := []Reproducer{b.mk(a.Addr, "openssl", "shows", fmt.Sprintf("the certificate the client receives is issued by %q", served[0].Issuer.CommonName), o, "CN = "+served[0].Issuer.CommonName)}
	if d := b.run.Direct; d != nil && d.Handshake != nil && len(d.Handshake.Certificates) > 0 && d.Addr != "" {
		if own, err := x509.ParseCertificate(d.Handshake.Certificates[0]); err == nil && own.Issuer.CommonName != "" && own.Issuer.CommonName != served[0].Issuer.CommonName {
			x := &command{args: []string{"openssl", "s_client", "-connect", d.Addr}, stdin: true}
			b.sniFlags(x, sniAsRun)
			x.pipe = "2>/dev/null | openssl x509 -noout -issuer"
			out = append(out, b.mk(a.Addr, "openssl", "shows", fmt.Sprintf("without the proxy the server's own certificate is issued by %q", own.Issuer.CommonName), x, "CN = "+own.Issuer.CommonName))
		}
	}
	return out
}

// clientCertAlert is the alert with which the server refused the client's
// certificate (or its absence), if one was seen.
func clientCertAlert(a *evidence.Address) *wire.Alert {
	switch {
	case a.Handshake != nil && a.Handshake.PostHandshakeAlert != nil:
		return a.Handshake.PostHandshakeAlert
	case a.Handshake != nil && a.Handshake.Alert != nil:
		return a.Handshake.Alert
	case a.HTTP != nil && a.HTTP.Alert != nil:
		return a.HTTP.Alert
	}
	return nil
}

// clientKeyMismatch reproduces a client certificate whose key does not
// belong to it: openssl and curl refuse to present the pair at all.
func (b *reproBuilder) clientKeyMismatch(a *evidence.Address, o *command) []Reproducer {
	cert, key := b.clientCertFiles()
	what := "the client certificate and key given do not belong together: openssl and curl refuse to present them"
	x := &command{args: []string{"openssl", "s_client", "-connect", a.Addr, "-cert", cert, "-key", key}, stdin: true}
	c := b.curlCmd(a.Addr)
	c.add("--cert", cert, "--key", key)
	out := []Reproducer{
		b.mk(a.Addr, "openssl", "fails", what, x, "key values mismatch"),
		b.mk(a.Addr, "curl", "fails", what, c, "unable to set private key file"),
	}
	o.withoutClientCert()
	out = append(out, b.mk(a.Addr, "openssl", "shows", "the server asks for a client certificate", o, "Acceptable client certificate CA names"))
	return out
}

// allowKex lowers OpenSSL's security level when the server's DHE group is
// smaller than its default (level 2: 2048 bits) accepts, so that a command
// whose point comes later (the certificate, the staple) gets there, as the
// client did.
func (b *reproBuilder) allowKex(c *command, a *evidence.Address, curl bool) {
	ske := helloOf(a).ServerKeyExchange
	if ske == nil || ske.DHPBits == 0 || ske.DHPBits >= 2048 {
		return
	}
	level := "1"
	if ske.DHPBits < 1024 {
		level = "0"
	}
	if curl {
		c.add("--ciphers", "DEFAULT@SECLEVEL="+level)
	} else {
		c.add("-cipher", "DEFAULT@SECLEVEL="+level)
	}
}
