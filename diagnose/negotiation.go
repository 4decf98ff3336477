package diagnose

import (
	"crypto/x509"
	"fmt"
	"slices"
	"strings"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/chain"

	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/wire"
)

// attemptsDisagree decides INCONSISTENT_BACKENDS when the same question to
// the same address got different answers: the profile's hello refused once
// and accepted on a repeat, or the full handshake broken off once and
// completed once. It reports whether it decided.
func (c *ctx) attemptsDisagree(a *evidence.Address, r *AddressResult) bool {
	if !a.Hello.Accepted() {
		for _, rep := range a.Repeats {
			if rep.Accepted() {
				r.decide(ruleAttemptsDisagree, fmt.Sprintf("%s answers the same ClientHello differently from one attempt to the next: refused, then accepted", a.Addr),
					"the same ClientHello, sent "+plural(1+len(a.Repeats), "time")+": "+attemptList(a.Hello, a.Repeats))
				r.Fix = []string{"look for a failing node, process or worker behind this address (a load balancer that spreads connections, a crashed worker, a connection limit)",
					"the server's error log at the moments of the refused attempts names it"}
				return true
			}
		}
		return false
	}
	if hs, again := a.Handshake, a.HandshakeRepeat; hs != nil && again != nil && !hs.OK && again.OK {
		r.decide(ruleHandshakeAttemptsDisagree, fmt.Sprintf("%s completes the same handshake only some of the time: the first attempt broke off (%s), the second succeeded", a.Addr, errMsg(hs.Err)),
			"first full handshake: "+errMsg(hs.Err), "second full handshake, the same: completed")
		r.Fix = []string{"look for a failing node, process or worker behind this address (a load balancer that spreads connections, a crashed worker, a connection limit)"}
		return true
	}
	return false
}

// attemptList says what each attempt of the same hello got.
func attemptList(first *evidence.Hello, repeats []evidence.Hello) string {
	s := []string{answer(first)}
	for i := range repeats {
		s = append(s, answer(&repeats[i]))
	}
	return strings.Join(s, "; ")
}

// answer says what a hello got, accepted or not.
func answer(h *evidence.Hello) string {
	if h.Accepted() {
		return "accepted (" + describeAccept(h) + ")"
	}
	return describeRefusal(h)
}

// malformedHello decides HANDSHAKE_MALFORMED from a ServerHello that picks
// what the ClientHello did not offer. It reports whether it decided.
func (c *ctx) malformedHello(h *evidence.Hello, r *AddressResult) bool {
	sh := h.ServerHello
	if sh == nil {
		return false
	}
	o := h.Offer
	fix := []string{"fix or upgrade the server's TLS stack: a server must choose from what the client offers (RFC 8446 4.1.3, RFC 5246 7.4.1.3)"}
	switch {
	case sh.SupportedVersion == 0 && len(o.Versions) > 0 && sh.Version > maxVersion(o.Versions):
		r.decide(ruleUnofferedVersion, fmt.Sprintf("the server answers at %s, above the highest version the client offered (%s); a server must not choose a higher version", wire.VersionName(sh.Version), wire.VersionName(maxVersion(o.Versions))),
			"the ClientHello offered "+versionList(o.Versions), "the ServerHello is at "+wire.VersionName(sh.Version))
	case !sh.HelloRetry && len(o.Suites) > 0 && !slices.Contains(o.Suites, sh.CipherSuite):
		r.decide(ruleUnofferedSuite, fmt.Sprintf("the server selects the cipher suite %s, which the client did not offer; every client aborts (illegal_parameter)", wire.SuiteName(sh.CipherSuite)),
			fmt.Sprintf("the ClientHello offered %d suites (%s)", len(o.Suites), suiteShort(o.Suites)), "the ServerHello selects "+wire.SuiteName(sh.CipherSuite))
	case sh.SupportedVersion != 0 && len(o.Versions) > 0 && !slices.Contains(o.Versions, sh.SupportedVersion):
		r.decide(ruleUnofferedVersion, fmt.Sprintf("the server selects %s in supported_versions, which the client did not offer", wire.VersionName(sh.SupportedVersion)),
			"the ClientHello offered "+versionList(o.Versions), "the ServerHello's supported_versions is "+wire.VersionName(sh.SupportedVersion))
	case sh.KeyShareGroup != 0 && len(o.Groups) > 0 && !slices.Contains(o.Groups, sh.KeyShareGroup):
		what := "key share"
		if sh.HelloRetry {
			what = "HelloRetryRequest"
		}
		r.decide(ruleUnofferedGroup, fmt.Sprintf("the server's %s names the group %s, which the client did not offer", what, wire.GroupName(sh.KeyShareGroup)),
			"the ClientHello offered groups "+groupList(o.Groups), fmt.Sprintf("the server's %s names %s", what, wire.GroupName(sh.KeyShareGroup)))
	case h.RetryRequest != nil && len(o.Groups) > 0 && !slices.Contains(o.Groups, h.RetryRequest.KeyShareGroup):
		r.decide(ruleUnofferedGroup, fmt.Sprintf("the server's HelloRetryRequest asks for the group %s, which the client did not offer", wire.GroupName(h.RetryRequest.KeyShareGroup)),
			"the ClientHello offered groups "+groupList(o.Groups), "the HelloRetryRequest asks for "+wire.GroupName(h.RetryRequest.KeyShareGroup))
	case h.RetryRequest != nil && slices.Contains(o.KeyShares, h.RetryRequest.KeyShareGroup):
		r.decide(ruleUnofferedGroup, fmt.Sprintf("the server's HelloRetryRequest asks for a %s key share, which the ClientHello already carried (RFC 8446 4.1.4 forbids it)", wire.GroupName(h.RetryRequest.KeyShareGroup)),
			"the ClientHello sent key shares for "+groupList(o.KeyShares), "the HelloRetryRequest asks for "+wire.GroupName(h.RetryRequest.KeyShareGroup)+", which the ClientHello already carried")
	default:
		return false
	}
	r.Fix = fix
	return true
}

// helloRefused explains a profile hello that the server did not accept.
func (c *ctx) helloRefused(a *evidence.Address, r *AddressResult) {
	h := a.Hello
	if c.malformedHello(h, r) {
		return
	}
	switch h.Outcome {
	case "not_tls":
		c.notTLS(h, r)
		return
	case "timeout":
		if len(h.First) == 0 {
			r.decide(ruleSilent, fmt.Sprintf("TCP connected to %s, but the server sent nothing in reply to the ClientHello within %s", a.Addr, durStr(h.Duration)),
				"ClientHello sent; no byte came back before the time-out",
				"a port that speaks a client-first plain protocol, or a stalled server, behaves like this")
		} else {
			r.decide(ruleStalled, fmt.Sprintf("the server at %s started answering but sent only %s in %s: too little, too slowly, to finish before the time-out", a.Addr, plural(len(h.First), "byte"), durStr(h.Duration)),
				"first bytes: "+hexdump(h.First))
		}
		r.Fix = []string{"check that this port is the TLS listener and that the server process is not hung (thread pool exhausted, blocked accept loop)",
			"if a proxy sits in front, check its upstream time-outs"}
		return
	case "too_large":
		c.tooLarge(h.Err, r)
		return
	case "malformed":
		c.malformed(h, r)
		return
	}
	c.negotiation(a, r)
}

// tooLarge explains a handshake message over the reader's limit.
func (c *ctx) tooLarge(e *evidence.Failure, r *AddressResult) {
	if e.Subject == "Certificate" {
		r.decide(ruleCertTooLarge, fmt.Sprintf("the server sends a certificate message of %s, larger than any client accepts", sizeStr(e.Size)),
			fmt.Sprintf("the Certificate message's header announces %d bytes; tlsdoctor stops at %d, as Go's crypto/tls does (the most lenient client here: OpenSSL accepts 100 KiB, Java 32 KiB)", e.Size, e.Limit))
		r.Fix = []string{"serve only the leaf and its intermediates; remove stray certificates from the chain file",
			"a certificate with thousands of names: split the names over several certificates"}
		return
	}
	r.decide(ruleOversizedMessage, fmt.Sprintf("the server sends a %s message of %s, larger than any client accepts", e.Subject, sizeStr(e.Size)), e.Message)
	r.Fix = []string{"fix or upgrade the server's TLS stack: its " + e.Subject + " message is out of bounds"}
}

// malformed explains a record or message that breaks the protocol.
func (c *ctx) malformed(h *evidence.Hello, r *AddressResult) {
	e := h.Err
	what := "the server's reply"
	if e != nil && e.Subject != "" {
		what = "the server's " + e.Subject
		if e.Offset > 0 {
			what += fmt.Sprintf(" (byte %d)", e.Offset)
		}
	}
	if e != nil && e.Code == "duplicate-extension" && c.p.AcceptsDuplicateExtensions {
		r.decide(ruleToleratedMalformation, fmt.Sprintf("the server's %s carries an extension twice, which breaks the protocol; this client goes on past it, so the handshake may work for it", e.Subject),
			errMsg(e), "first bytes: "+hexdump(h.First))
		r.Findings = append(r.Findings, Finding{Code: cause.HandshakeMalformed, Message: "clients that follow the protocol (OpenSSL, Go, BoringSSL) refuse this ServerHello: " + errMsg(e)})
		return
	}
	rule := ruleMalformed
	if e != nil && strings.Contains(e.Subject, "HelloRetryRequest") {
		rule = ruleRetryLoop
	}
	r.decide(rule, fmt.Sprintf("the server answers in TLS, but %s breaks the protocol", what), errMsg(e), "first bytes: "+hexdump(h.First))
	r.Fix = []string{"fix or upgrade the server's TLS stack; the evidence names the message and the byte (a TLS-terminating proxy or load balancer in front may be the stack at fault)"}
}

func (c *ctx) notTLS(h *evidence.Hello, r *AddressResult) {
	s := wire.Sniff(h.First)
	r.decide(ruleNotTLS, fmt.Sprintf("the server does not speak TLS on this port: it answered the ClientHello with %s", s.Label),
		"first bytes: "+hexdump(h.First), "they look like "+s.Label)
	switch s.Kind {
	case "http":
		r.Fix = []string{"this port serves plain HTTP: point the client at the HTTPS port, or use http:// in the back-end URL",
			"for a gateway whose back end is plain HTTP, configure the integration as HTTP (AWS: http:// URI; OCI: http:// backend URL)"}
	case "ssh", "smtp", "pop3", "imap":
		r.Fix = []string{"this port belongs to another service (" + s.Kind + "): fix the port number in the client's target"}
	default:
		r.Fix = []string{"point the client at the TLS port, or switch the client to plain TCP/HTTP if the service has no TLS"}
	}
}

// feature is one thing a follow-up hello changes.
type feature string

const (
	fSNI     feature = "SNI"
	fGroups  feature = "groups"
	fSuites  feature = "suites"
	fVersion feature = "version"
	fSigAlgs feature = "signature schemes"
)

// changed lists what a follow-up changed from the profile's hello.
func changed(base, v evidence.Offer) []feature {
	var f []feature
	if v.SNI != base.SNI {
		f = append(f, fSNI)
	}
	if !slices.Equal(v.Groups, base.Groups) {
		f = append(f, fGroups)
	}
	if !slices.Equal(v.Suites, base.Suites) {
		f = append(f, fSuites)
	}
	if !slices.Equal(v.Versions, base.Versions) {
		f = append(f, fVersion)
	}
	if !slices.Equal(v.SigAlgs, base.SigAlgs) {
		f = append(f, fSigAlgs)
	}
	return f
}

// negotiation explains an alert, a close, a reset or a downgraded
// ServerHello to the profile's hello from the follow-ups: the smallest
// change the server accepts is the cause.
func (c *ctx) negotiation(a *evidence.Address, r *AddressResult) {
	h := a.Hello
	base := h.Offer
	var accepted []*evidence.Hello
	for i := range a.Variants {
		if v := &a.Variants[i]; v.Accepted() && !strings.HasPrefix(v.Name, "tls1.2-") {
			accepted = append(accepted, v)
		}
	}
	pick := func(pred func(v *evidence.Hello) bool) *evidence.Hello {
		for _, v := range accepted {
			if pred(v) {
				return v
			}
		}
		return nil
	}
	named := func(n string) func(*evidence.Hello) bool { return func(v *evidence.Hello) bool { return v.Name == n } }
	decided := ""
	defer func() {
		// Say every other change the server accepts too: each is a way out.
		for _, v := range accepted {
			if decided != "" && v.Name != decided {
				r.Findings = append(r.Findings, Finding{Message: fmt.Sprintf("the server also accepts the hello changed this way (%s): %s", v.Change, describeAccept(v))})
			}
		}
	}()
	if v := pick(named("with-sni")); v != nil {
		decided = v.Name
		r.decide(ruleSNIAdded, fmt.Sprintf("without SNI the server refuses the handshake (%s); with SNI %q it accepts", describeRefusal(h), v.Offer.SNI),
			followUpLines(a, v)...)
		r.Fix = []string{fmt.Sprintf("make the client send SNI %q (nginx: proxy_ssl_server_name on; proxy_ssl_name %s; Envoy: sni or auto_sni; HAProxy: sni req.hdr(host))", v.Offer.SNI, v.Offer.SNI),
			"or give the listener a default certificate for clients that send no SNI"}
		return
	}
	if v := pick(named("all-groups")); v != nil {
		decided = v.Name
		c.groupMismatch(a, v, r)
		return
	}
	if v := pick(named("all-suites")); v != nil {
		decided = v.Name
		c.cipherMismatch(a, v, r)
		return
	}
	if v := pick(named("all-sigalgs")); v != nil {
		decided = v.Name
		c.sigalgMismatch(a, v, r)
		return
	}
	var versions []*evidence.Hello
	for _, v := range accepted {
		if strings.HasPrefix(v.Name, "only-") {
			versions = append(versions, v)
		}
	}
	if len(versions) > 0 {
		decided = c.versionMismatch(a, versions, r)
		return
	}
	ev := append([]string{"ClientHello: " + offerText(base)}, followUpLines(a, nil)...)
	switch {
	case h.Downgraded():
		v := h.ServerHello.NegotiatedVersion()
		r.decide(ruleVersionDowngrade, fmt.Sprintf("the server answers at %s, which this client does not offer (%s)", wire.VersionName(v), versionList(base.Versions)), ev...)
		r.Fix = versionFix(v, base.Versions, v < minVersion(base.Versions))
	case h.Outcome == "alert" && h.Alert.Description == wire.AlertProtocolVersion:
		r.decide(ruleVersionAlert, "the server refuses the offered versions (protocol_version alert), and no other version was accepted", ev...)
		r.Alternatives = []Alternative{{Cause: "SERVER_ALERT", When: "the server sends protocol_version for another reason (LibreSSL answers plain HTTP ports this way)"}}
		r.Fix = []string{"list the versions the server accepts with tlsdoctor check --server, then enable TLS 1.2 and TLS 1.3 on the side that lacks them"}
	case h.Outcome == "alert" && h.Alert.Description == wire.AlertUnrecognizedName && base.SNI == "":
		r.decide(ruleSNIUnrecognizedNoName, "the server wants an SNI name (unrecognized_name alert to a hello without one), and there is no name to try: the target is an IP address", ev...)
		r.Fix = []string{"check again with the name the server expects: --servername NAME (the client must send it as SNI)",
			"or give the listener a default certificate for clients that send no SNI"}
	case h.Outcome == "alert" && h.Alert.Description == wire.AlertUnrecognizedName:
		r.decide(ruleSNIUnrecognized, fmt.Sprintf("the server does not recognise the name %q the client sends as SNI (unrecognized_name alert): it has no site for it", base.SNI), ev...)
		r.Fix = []string{fmt.Sprintf("add a virtual host (server block, SNI route, certificate) for %s on the server", base.SNI),
			"or point the client at the name the server does serve (--servername NAME to check one)"}
	case h.Outcome == "alert":
		r.decide(ruleAlertUnexplained, fmt.Sprintf("the server ends every handshake with the alert %s", h.Alert), ev...)
		r.Fix = []string{fmt.Sprintf("look in the server's log for why it sends %s: none of the one-change follow-ups (SNI, groups, suites, version) was accepted", h.Alert.Name())}
	case h.Outcome == "reset":
		r.decide(ruleReset, "the connection is reset right after the ClientHello, with no TLS alert", ev...)
		r.Fix = []string{"a middlebox (firewall, IDS, TLS-inspecting proxy, load balancer) or a crashing server resets it: compare with a capture taken next to the server",
			"check firewall / WAF rules for this destination and the server's error log"}
	default:
		r.decide(ruleClosed, "the server closes the connection right after the ClientHello, with no TLS alert", ev...)
		r.Fix = []string{"an SNI-routing proxy with no route for this name, or a server with no certificate for it, behaves like this: check the proxy's routes and the server's virtual hosts",
			"check the server's error log for the moment of the attempt"}
	}
	if h.Outcome == "reset" || h.Outcome == "eof" {
		if !steady(a) {
			// The refusals differ in kind (a reset, then a close): still no
			// acceptance, so the cause stands; the evidence says so.
			r.Findings = append(r.Findings, Finding{Message: "the attempts were not all refused the same way: " + attemptList(h, a.Repeats)})
		}
	}
}

// steady reports whether the repeats got the same refusal as the hello.
func steady(a *evidence.Address) bool {
	for i := range a.Repeats {
		if describeRefusal(&a.Repeats[i]) != describeRefusal(a.Hello) {
			return false
		}
	}
	return true
}

// followUpLines describes the repeats and the follow-ups from the data:
// the decisive one first, then the others grouped by what they got.
func followUpLines(a *evidence.Address, decisive *evidence.Hello) []string {
	var out []string
	if decisive != nil {
		out = append(out, "ClientHello as the client sends it: "+describeRefusal(a.Hello))
		out = append(out, fmt.Sprintf("the same ClientHello, changed (%s): %s", decisive.Change, answer(decisive)))
	}
	if len(a.Repeats) > 0 {
		out = append(out, fmt.Sprintf("the same ClientHello again, %s: %s", plural(len(a.Repeats), "time"), sameOrList(a.Repeats)))
	}
	var others []evidence.Hello
	for _, v := range a.Variants {
		if decisive == nil || v.Name != decisive.Name {
			others = append(others, v)
		}
	}
	if len(others) == 0 {
		return out
	}
	label := fmt.Sprintf("%d follow-ups, each changing one thing", len(others))
	if decisive != nil {
		label = fmt.Sprintf("the other %d follow-ups", len(others))
	}
	groups := groupAnswers(others)
	if len(groups) == 1 {
		return append(out, fmt.Sprintf("%s (%s): all %s", label, changeList(others), groups[0].what))
	}
	for _, g := range groups {
		var members []evidence.Hello
		for i := range others {
			if groupKey(&others[i]) == g.what {
				members = append(members, others[i])
			}
		}
		if len(members) == 1 {
			out = append(out, fmt.Sprintf("follow-up (%s): %s", members[0].Change, answer(&members[0])))
			continue
		}
		out = append(out, fmt.Sprintf("%d follow-ups (%s): all %s", len(members), changeList(members), g.what))
	}
	return out
}

// groupKey is what hellos are grouped by: the answer, with any acceptance
// counted as one.
func groupKey(h *evidence.Hello) string {
	w := answer(h)
	if strings.HasPrefix(w, "accepted") {
		return "accepted"
	}
	return w
}

type answerGroup struct {
	what string
	n    int
}

func groupAnswers(hs []evidence.Hello) []answerGroup {
	var g []answerGroup
	for i := range hs {
		w := groupKey(&hs[i])
		found := false
		for j := range g {
			if g[j].what == w {
				g[j].n++
				found = true
			}
		}
		if !found {
			g = append(g, answerGroup{w, 1})
		}
	}
	return g
}

// sameOrList says "alert X (each time)" or lists the answers.
func sameOrList(hs []evidence.Hello) string {
	if g := groupAnswers(hs); len(g) == 1 {
		if len(hs) == 1 {
			return g[0].what
		}
		return g[0].what + " (each time)"
	}
	var s []string
	for i := range hs {
		s = append(s, answer(&hs[i]))
	}
	return strings.Join(s, "; ")
}

func changeList(hs []evidence.Hello) string {
	var s []string
	for _, h := range hs {
		s = append(s, h.Change)
	}
	return strings.Join(s, "; ")
}

// mainstreamGroups are the groups every current client offers.
var mainstreamGroups = []uint16{wire.GroupX25519, wire.GroupP256, wire.GroupP384, wire.GroupX25519MLKEM768}

func (c *ctx) groupMismatch(a *evidence.Address, v *evidence.Hello, r *AddressResult) {
	g := chosenGroup(v)
	gid := chosenGroupID(v)
	ev := followUpLines(a, v)
	ev = append([]string{fmt.Sprintf("the client offers groups %s", groupList(a.Hello.Offer.Groups))}, ev...)
	if slices.Contains(mainstreamGroups, gid) {
		r.decide(ruleGroupClient, fmt.Sprintf("the client offers no key-exchange group the server accepts: the server accepts %s, a group current clients offer", g), ev...)
		r.Fix = []string{"configure the client to offer " + g + " (it is a mainstream group; the client's list is too narrow)",
			"or also enable a group the client offers on the server (" + groupList(a.Hello.Offer.Groups) + ")"}
		return
	}
	r.decide(ruleGroupServer, fmt.Sprintf("the server shares no key-exchange group with this client: it accepts %s, which mainstream clients do not offer", g), ev...)
	r.Fix = []string{"enable X25519 and P-256 (secp256r1) on the server (nginx: ssl_ecdh_curve X25519:prime256v1; OpenSSL: Groups = X25519:P-256; Java: jdk.tls.namedGroups)",
		"or configure the client to offer " + g + " if its policy allows"}
}

func (c *ctx) cipherMismatch(a *evidence.Address, v *evidence.Hello, r *AddressResult) {
	id := v.ServerHello.CipherSuite
	suite := wire.SuiteName(id)
	offer := a.Hello.Offer
	ev := append([]string{fmt.Sprintf("the client offers %s (%s)", plural(len(offer.Suites), "suite"), suiteShort(offer.Suites))}, followUpLines(a, v)...)
	if modernSuite(id) {
		r.decide(ruleCipherClient, fmt.Sprintf("the client offers no cipher suite the server accepts: the server chose %s, a modern suite the client does not offer", suite), ev...)
		r.Fix = []string{"configure the client to offer " + suite + " (or another AEAD suite with ECDHE): its list is out of date",
			"or also enable one of the client's suites on the server, if they are acceptable"}
		return
	}
	r.decide(ruleCipherServer, fmt.Sprintf("the server shares no cipher suite with this client: it accepts only legacy suites such as %s", suite), ev...)
	r.Fix = []string{"configure a modern AEAD suite on the server, e.g. ECDHE-ECDSA/RSA-AES128-GCM-SHA256 (nginx: ssl_ciphers; Java: jdk.tls.disabledAlgorithms; IIS: the cipher suite order policy)"}
	switch forbidden, weak := forbiddenSuite(id), weakSuite(id); {
	case forbidden != "":
		r.Fix = append(r.Fix, fmt.Sprintf("do not enable %s on the client: %s", suite, forbidden))
	case strings.Contains(suite, "3DES"):
		r.Fix = append(r.Fix, fmt.Sprintf("do not enable %s on the client: %s; the server must change", suite, weak))
	default:
		r.Fix = append(r.Fix, fmt.Sprintf("as a stop-gap only, enable %s on the client if its policy allows (%s)", suite, weak))
	}
}

func (c *ctx) sigalgMismatch(a *evidence.Address, v *evidence.Hello, r *AddressResult) {
	offer := a.Hello.Offer
	ev := append([]string{"the client offers signature schemes " + sigList(offer.SigAlgs)}, followUpLines(a, v)...)
	key := ""
	if certs, _ := c.servedCerts(a); len(certs) > 0 {
		switch certs[0].PublicKeyAlgorithm {
		case x509.Ed25519:
			key = "Ed25519"
		case x509.UnknownPublicKeyAlgorithm:
			key = "an algorithm Go does not parse (RSA-PSS or Ed448)"
		}
		if key != "" {
			ev = append(ev, fmt.Sprintf("the server's certificate %q has an %s key", chain.Name(certs[0]), key))
		}
	}
	if key != "" {
		r.decide(ruleSigAlgServer, fmt.Sprintf("the server's certificate has an %s key, and this client offers no signature scheme for it", key), ev...)
		r.Fix = []string{"serve an ECDSA P-256 or RSA certificate (alongside the " + key + " one if it is wanted: nginx takes ssl_certificate twice, one per key type)",
			"or configure the client to offer the scheme, if it supports it at all (browsers do not)"}
		return
	}
	r.decide(ruleSigAlgClient, "the client offers no signature scheme the server can sign with", ev...)
	r.Fix = []string{"configure the client to offer the usual signature schemes (ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, rsa_pkcs1_sha256)",
		"or serve a certificate whose key the client's schemes cover"}
}

func sigList(ss []uint16) string {
	if len(ss) == 0 {
		return "(none)"
	}
	var s []string
	for _, x := range ss {
		s = append(s, wire.SignatureName(x))
	}
	return strings.Join(s, ", ")
}

// modernSuite reports whether a suite is what current clients offer: a
// TLS 1.3 suite, or (EC)DHE with an AEAD cipher.
func modernSuite(id uint16) bool {
	s, ok := wire.LookupSuite(id)
	if !ok {
		return false
	}
	if s.Kex == "TLS13" {
		return true
	}
	aead := strings.Contains(s.Name, "_GCM_") || strings.Contains(s.Name, "CHACHA20_POLY1305") || strings.Contains(s.Name, "_CCM")
	return aead && (s.Kex == "ECDHE" || s.Kex == "DHE")
}

// forbiddenSuite says why a suite must never be enabled, or "".
func forbiddenSuite(id uint16) string {
	s, ok := wire.LookupSuite(id)
	if !ok {
		return ""
	}
	switch {
	case strings.Contains(s.Name, "_RC4_"):
		return "RC4 is prohibited in TLS (RFC 7465)"
	case strings.Contains(s.Name, "_NULL_") || strings.HasSuffix(s.Name, "_NULL"):
		return "a NULL cipher does not encrypt"
	case strings.Contains(s.Name, "EXPORT"):
		return "export suites are broken (FREAK, Logjam)"
	case strings.Contains(s.Name, "_anon_"):
		return "anonymous suites do not authenticate the server"
	case strings.Contains(s.Name, "_DES_") || strings.Contains(s.Name, "_DES40_"):
		return "single DES is broken"
	}
	return ""
}

func (c *ctx) versionMismatch(a *evidence.Address, accepted []*evidence.Hello, r *AddressResult) (decisiveName string) {
	offer := a.Hello.Offer
	var names []string
	serverMax := uint16(0)
	decisive := accepted[0]
	for _, v := range accepted {
		nv := v.ServerHello.NegotiatedVersion()
		if n := wire.VersionName(nv); !slices.Contains(names, n) {
			names = append(names, n)
		}
		if nv > serverMax {
			serverMax, decisive = nv, v
		}
	}
	// Prefer the version-only change as the proof, when one was accepted.
	for _, v := range accepted {
		if v.ServerHello.NegotiatedVersion() == serverMax && !strings.HasSuffix(v.Name, "-all") {
			decisive = v
		}
	}
	ev := append([]string{"the client offers " + versionList(offer.Versions)}, followUpLines(a, decisive)...)
	if strings.HasSuffix(decisive.Name, "-all") {
		ev = append(ev, fmt.Sprintf("offering %s alone, with the client's own suites, was refused: at %s the client's suites would have to change too", wire.VersionName(serverMax), wire.VersionName(serverMax)))
	}
	behindServer := serverMax < maxVersion(offer.Versions)
	if behindServer {
		r.decide(ruleVersionServer, fmt.Sprintf("the server only speaks %s; this client offers %s", strings.Join(names, ", "), versionList(offer.Versions)), ev...)
	} else {
		r.decide(ruleVersionClient, fmt.Sprintf("this client offers only %s; the server accepts %s", versionList(offer.Versions), strings.Join(names, ", ")), ev...)
	}
	target := serverMax
	for _, v := range accepted {
		// The oldest modern version the server accepts is the least the
		// client needs.
		if nv := v.ServerHello.NegotiatedVersion(); nv >= wire.VersionTLS12 && nv < target {
			target = nv
		}
	}
	r.Fix = versionFix(target, offer.Versions, behindServer)
	return decisive.Name
}

// versionFix words the fix by which side is behind.
func versionFix(server uint16, client []uint16, serverBehind bool) []string {
	if serverBehind {
		fix := []string{"enable TLS 1.2 and TLS 1.3 on the server's listener (nginx: ssl_protocols TLSv1.2 TLSv1.3; Apache: SSLProtocol; Java: jdk.tls.server.protocols; IIS: the SCHANNEL protocol keys)"}
		if server < wire.VersionTLS12 {
			fix = append(fix, fmt.Sprintf("do not lower the client to %s: TLS 1.0 and 1.1 are deprecated (RFC 8996) and refused by current clients", wire.VersionName(server)))
		}
		return fix
	}
	return []string{
		fmt.Sprintf("enable %s (or later) on the client, or upgrade it (Java 6 cannot: upgrade to Java 8 or later; Java 7: -Djdk.tls.client.protocols=TLSv1.2; .NET Framework: SchUseStrongCrypto; old OpenSSL: upgrade)", wire.VersionName(server)),
		fmt.Sprintf("the server is right to refuse %s: do not lower it", versionList(client)),
	}
}

func maxVersion(vs []uint16) uint16 {
	m := uint16(0)
	for _, v := range vs {
		m = max(m, v)
	}
	return m
}

func minVersion(vs []uint16) uint16 {
	m := uint16(0xffff)
	for _, v := range vs {
		m = min(m, v)
	}
	return m
}

func describeRefusal(h *evidence.Hello) string {
	if h.Downgraded() {
		return fmt.Sprintf("ServerHello at %s, a version this client does not offer, so the client aborts", wire.VersionName(h.ServerHello.NegotiatedVersion()))
	}
	switch h.Outcome {
	case "alert":
		return "alert " + h.Alert.String()
	case "reset":
		return "connection reset, no alert"
	case "eof":
		return "connection closed, no alert"
	case "timeout":
		return "no answer (time-out)"
	case "not_tls":
		return "not TLS: " + wire.Sniff(h.First).Label
	case "dial_failed":
		return "could not connect: " + errMsg(h.Err)
	case "skipped":
		return "not sent"
	}
	if h.Err != nil {
		return h.Outcome + ": " + h.Err.Message
	}
	return h.Outcome
}

func describeAccept(v *evidence.Hello) string {
	sh := v.ServerHello
	if sh == nil {
		return v.Outcome
	}
	if sh.HelloRetry {
		return fmt.Sprintf("HelloRetryRequest for group %s (TLS 1.3; no second hello could be made for it)", wire.GroupName(sh.KeyShareGroup))
	}
	s := fmt.Sprintf("ServerHello %s, %s", wire.VersionName(sh.NegotiatedVersion()), wire.SuiteName(sh.CipherSuite))
	if g := chosenGroup(v); g != "" {
		s += ", group " + g
	}
	if v.RetryRequest != nil {
		s += " (after a HelloRetryRequest for it)"
	}
	return s
}

func chosenGroupID(v *evidence.Hello) uint16 {
	if v.ServerHello != nil && v.ServerHello.KeyShareGroup != 0 {
		return v.ServerHello.KeyShareGroup
	}
	if v.ServerKeyExchange != nil && v.ServerKeyExchange.Curve != 0 {
		return v.ServerKeyExchange.Curve
	}
	return 0
}

func chosenGroup(v *evidence.Hello) string {
	if id := chosenGroupID(v); id != 0 {
		return wire.GroupName(id)
	}
	return ""
}

func groupList(gs []uint16) string {
	if len(gs) == 0 {
		return "(none)"
	}
	var s []string
	for _, g := range gs {
		s = append(s, wire.GroupName(g))
	}
	return strings.Join(s, ", ")
}

func suiteShort(ids []uint16) string {
	var s []string
	for i, id := range ids {
		if i == 4 {
			s = append(s, "...")
			break
		}
		s = append(s, wire.SuiteName(id))
	}
	return strings.Join(s, ", ")
}

func offerText(o evidence.Offer) string {
	sni := "no SNI"
	if o.SNI != "" {
		sni = "SNI " + o.SNI
	}
	return fmt.Sprintf("%s; %s; groups %s; %s", versionList(o.Versions), plural(len(o.Suites), "suite"), groupList(o.Groups), sni)
}

func versionList(vs []uint16) string {
	s := make([]string, 0, len(vs))
	for _, v := range vs {
		s = append(s, wire.VersionName(v))
	}
	return strings.Join(s, ", ")
}
