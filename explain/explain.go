// Package explain reads an error message or a log from any TLS stack and says
// what it means: which stack wrote it, which causes of docs/causes.md it is
// compatible with (most likely first), and the one check that tells them
// apart. The catalog of message patterns is data (patterns.go); the package
// does no I/O and imports only cause.
//
// A message alone often cannot decide: "unable to get local issuer
// certificate" fits a missing intermediate, a private root and a TLS
// inspection proxy alike. Such patterns list every candidate; the deciding
// check (tlsdoctor check, with the endpoint and client profile read from the
// line) settles it.
package explain

import (
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/tlsdoctor/tlsdoctor/cause"
)

// SchemaVersion is the version of the JSON form of Result and Summary.
const SchemaVersion = 1

// Pattern is one recognised message.
type Pattern struct {
	ID    string // stable: "<stack>/<name>"
	Stack string // a key of Stacks
	Re    string // matched case-insensitively
	// Topic holds alternatives that name what a message is about (SNI,
	// mutual TLS, a notAfter field, a handshake timeout) but not that
	// anything failed: they count only in a record that states a failure
	// outside their match (see failures).
	Topic string
	// Causes are the causes the message is compatible with, most likely
	// first. An envelope may have none: it only names the application.
	Causes []cause.Code
	// Decides reports that the message alone decides: Causes[0] is the cause.
	Decides bool
	// Envelope marks a pattern that names where the message comes from (an
	// application's wrapper text); a pattern matching inside it supplies the
	// causes when there is one.
	Envelope bool
	Meaning  string // plain language
	Decide   string // what tells the candidates apart
	// Misleading says how the message misleads, when it is known to.
	Misleading string
	// Profile overrides the stack's client profile when the message itself
	// reveals the client's settings (nginx logging a verify error has
	// proxy_ssl_verify on).
	Profile string
	// ServerLog marks a message that a TLS server logs about a connecting
	// client: the addresses in it are the client's, and the server to check
	// is the one that wrote the log.
	ServerLog bool
	// Weak marks a generic message ("certificate verify failed") that a
	// more specific one in the same line refines.
	Weak bool
	// Marks makes the pattern a marker of who logged the line (nginx's
	// "while SSL handshaking, client:" is a server's log) rather than a
	// message: it never decides and names no stack.
	Marks Side
	// Fix replaces the first candidate's generic fix when the message says
	// which side must change (Java's "No appropriate protocol" is the
	// client's own configuration, not the server's).
	Fix string
	// Server is what the message means when a server logged it about a
	// connecting client, Client when a client logged it; nil when the
	// meaning does not depend on who logged it. A received bad_certificate
	// alert is the server refusing the client certificate in a client's log,
	// and the client refusing the server's chain in a server's log.
	Server, Client *View

	lits  []string // one of these (lower case) occurs in every match; nil if some alternative has none
	subs  []gated  // the top-level alternatives of Re, then Topic, each run only when its literal occurs
	topic []bool   // which of subs come from Topic
}

// View is a pattern's reading on one side of the connection.
type View struct {
	Causes  []cause.Code
	Decides bool
	Meaning string
	Decide  string
	Fix     string // replaces the first candidate's fix; empty keeps it
}

// Side is who logged a message: a client about its server, or a server
// about a connecting client.
type Side string

// The sides.
const (
	SideUnknown Side = ""
	SideClient  Side = "client"
	SideServer  Side = "server"
)

// GenericStack is the stack of the patterns for wording common to every
// stack ("certificate has expired", "handshake timed out"): they give
// candidates when no stack's own pattern decides, and name no stack.
const GenericStack = "generic"

// Stack is a client stack or application whose messages the catalog knows.
type Stack struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Profile is the tlsdoctor client profile that checks as this stack
	// connects; empty when none fits better than the default.
	Profile string `json:"profile,omitempty"`
	// Port is the default port of the protocol the stack speaks, when the
	// line gives none (PostgreSQL 5432).
	Port string `json:"-"`
	// StartTLS names the openssl s_client -starttls protocol when the stack
	// negotiates TLS inside its own protocol (tlsdoctor check cannot).
	StartTLS string `json:"-"`
	// Edge marks a CDN or load balancer whose lines are about its own
	// connection to the origin: a URL in them is the viewer's, not the
	// server to check.
	Edge bool `json:"-"`
}

// Candidate is one cause a message is compatible with.
type Candidate struct {
	Rank    int        `json:"rank"`
	Cause   cause.Code `json:"cause"`
	Layer   string     `json:"layer"`
	Summary string     `json:"summary"`
	Fix     string     `json:"fix"`
}

// Endpoint is the server a message names.
type Endpoint struct {
	URL        string `json:"url,omitempty"`
	Host       string `json:"host,omitempty"`
	Port       string `json:"port,omitempty"`
	ServerName string `json:"server_name,omitempty"` // the name the client asked for, when the line says

	fromName bool // Host was taken from the name in a certificate error, not from an address
}

// HostPort is host:port, or "" when the message names no host.
func (e Endpoint) HostPort() string {
	if e.Host == "" {
		return ""
	}
	port := e.Port
	if port == "" {
		port = "443"
	}
	return joinHostPort(e.Host, port)
}

// Result is the explanation of one message.
type Result struct {
	SchemaVersion int    `json:"schema_version"`
	Input         string `json:"input"`
	Matched       bool   `json:"matched"`
	// Stacks are the stacks recognised, the outermost (application) first.
	Stacks     []Stack     `json:"stacks,omitempty"`
	Pattern    string      `json:"pattern,omitempty"`  // the deciding pattern's ID
	Patterns   []string    `json:"patterns,omitempty"` // every pattern that matched
	Meaning    string      `json:"meaning,omitempty"`
	Context    string      `json:"context,omitempty"` // what the envelope adds
	Misleading string      `json:"misleading,omitempty"`
	Candidates []Candidate `json:"candidates,omitempty"`
	// Decided reports that the message alone decides: Candidates[0] is it.
	Decided bool   `json:"decided"`
	Decide  string `json:"decide,omitempty"`
	// Side is who logged the message, when the text shows it: "client" or
	// "server" (a server's log about a connecting client).
	Side    Side     `json:"logged_by,omitempty"`
	Profile string   `json:"profile,omitempty"`
	Target  Endpoint `json:"endpoint"`
	// Command is the check that decides, ready to run. Placeholder marks it
	// as needing the server's address filled in.
	Command     string `json:"command,omitempty"`
	Placeholder bool   `json:"command_needs_target,omitempty"`
}

// Causes lists the candidate codes in order.
func (r *Result) Causes() []cause.Code {
	out := make([]cause.Code, len(r.Candidates))
	for i, c := range r.Candidates {
		out[i] = c.Cause
	}
	return out
}

// Rank is the 1-based rank of c among the candidates, 0 when absent.
func (r *Result) Rank(c cause.Code) int {
	for _, x := range r.Candidates {
		if x.Cause == c {
			return x.Rank
		}
	}
	return 0
}

// MaxInput bounds the text one message may hold; the rest is ignored. It
// equals MaxLine, so every byte a log line keeps is read.
const MaxInput = MaxLine

var (
	once    sync.Once
	table   []*Pattern
	subRefs [][2]int // [pattern, alternative] for each alternative of each pattern
	scanner *matcher // finds the alternatives (indexes in subRefs) whose literal occurs
	always  []int    // alternatives without a literal: tried on every message
	// deferred marks the alternatives of the wording every stack uses,
	// tried only when no stack's specific message matched.
	deferred []bool
)

func compile() {
	table = make([]*Pattern, len(patterns))
	var lits []string
	var owners []int
	for i := range patterns {
		p := &patterns[i]
		alts := splitAlternatives(p.Re)
		n := len(alts)
		if p.Topic != "" {
			alts = append(alts, splitAlternatives(p.Topic)...)
		}
		table[i] = p
		complete := true
		for j, alt := range alts {
			g := gate(alt)
			p.subs = append(p.subs, g)
			p.topic = append(p.topic, j >= n)
			ref := len(subRefs)
			subRefs = append(subRefs, [2]int{i, j})
			deferred = append(deferred, p.Stack == GenericStack && p.Marks == SideUnknown)
			if len(g.lits) == 0 {
				always = append(always, ref)
				complete = false
			}
			for _, l := range g.lits {
				lits = append(lits, l)
				owners = append(owners, ref)
				if complete {
					p.lits = append(p.lits, l)
				}
			}
		}
		if !complete {
			p.lits = nil
		}
	}
	scanner = newMatcher(lits, owners)
}

// splitAlternatives splits a regular expression at its top-level |.
func splitAlternatives(re string) []string {
	var out []string
	depth, class, start := 0, false, 0
	for i := 0; i < len(re); i++ {
		switch c := re[i]; {
		case c == '\\':
			i++
		case class:
			if c == ']' {
				class = false
			}
		case c == '[':
			class = true
			if i+1 < len(re) && re[i+1] == ']' {
				i++
			}
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == '|' && depth == 0:
			out = append(out, re[start:i])
			start = i + 1
		}
	}
	return append(out, re[start:])
}

// Patterns returns the catalog.
func Patterns() []*Pattern {
	once.Do(compile)
	return table
}

// StackOf returns the stack with id.
func StackOf(id string) (Stack, bool) {
	for _, s := range stacks {
		if s.ID == id {
			return s, true
		}
	}
	return Stack{}, false
}

// Stacks returns every stack the catalog knows, in catalog order.
func Stacks() []Stack { return append([]Stack(nil), stacks...) }

type hit struct {
	p          *Pattern
	start, end int
	v          View // the pattern's reading on the side that logged the line
}

// Explain explains one message (which may span lines: a stack trace). A
// message most of whose bytes are not text is binary and matches nothing.
func Explain(msg string) *Result {
	if len(msg) > MaxInput {
		msg = msg[:MaxInput]
	}
	if Binary(msg) {
		return &Result{SchemaVersion: SchemaVersion, Input: strings.TrimSpace(msg)}
	}
	return explainText(msg)
}

// explainText is Explain for a message known to be text.
func explainText(msg string) *Result {
	once.Do(compile)
	if len(msg) > MaxInput {
		msg = msg[:MaxInput]
	}
	r := &Result{SchemaVersion: SchemaVersion, Input: strings.TrimSpace(msg)}
	lower := asciiLower(msg)
	all := match(msg, lower)
	if len(all) == 0 {
		return r
	}
	// Who logged it: markers and patterns that only a server logs win over
	// markers of a client.
	side := SideUnknown
	var hits []hit
	for _, h := range all {
		switch {
		case h.p.Marks == SideServer || h.p.ServerLog:
			side = SideServer
		case h.p.Marks == SideClient && side == SideUnknown:
			side = SideClient
		}
		if h.p.Marks == SideUnknown {
			hits = append(hits, h)
		}
	}
	if len(hits) == 0 {
		return r
	}
	r.Side = side
	for i := range hits {
		hits[i].v = viewOf(hits[i].p, side)
	}
	// The deciding pattern: a stack's specific message, then the wording
	// every stack uses, then a stack's generic one ("certificate verify
	// failed"), then an envelope with causes; within a tier the longest
	// match (the most specific text), then catalog order.
	best := -1
	for i, h := range hits {
		if best < 0 || better(h, hits[best]) {
			best = i
		}
	}
	primary := hits[best]
	r.Pattern = primary.p.ID
	r.Meaning = primary.v.Meaning
	r.Misleading = primary.p.Misleading
	r.Decide = primary.v.Decide
	causes := append([]cause.Code(nil), primary.v.Causes...)
	r.Decided = primary.v.Decides
	// Another specific message elsewhere in the record is another fact (and
	// so is another phrase of the wording every stack uses)
	// (.NET's "RemoteCertificateNameMismatch, RemoteCertificateChainErrors",
	// nginx's "peer closed connection ... (104: Connection reset by peer)"):
	// its causes follow, and when it points elsewhere the record no longer
	// decides.
	if t := tier(primary); t == tierSpecific || t == tierGeneric {
		for _, h := range hits {
			if h.p == primary.p || tier(h) != t || overlaps(h, primary) || len(h.v.Causes) == 0 {
				continue
			}
			if h.v.Causes[0] != causes[0] {
				r.Decided = false
			}
			for _, c := range h.v.Causes {
				if !slices.Contains(causes, c) {
					causes = append(causes, c)
				}
			}
		}
	}
	// Stacks: application envelopes first (the outermost), then libraries,
	// each in text order. The wording every stack uses names none.
	sort.SliceStable(hits, func(i, j int) bool {
		if a, b := outer(hits[i].p), outer(hits[j].p); a != b {
			return a > b
		}
		return hits[i].start < hits[j].start
	})
	seen := map[string]bool{}
	for i, h := range hits {
		r.Patterns = append(r.Patterns, h.p.ID)
		if !seen[h.p.Stack] && h.p.Stack != GenericStack && (h.p == primary.p || !inside(hits, i)) {
			seen[h.p.Stack] = true
			if s, ok := StackOf(h.p.Stack); ok {
				r.Stacks = append(r.Stacks, s)
			}
		}
		if h.p.Envelope && h.p != primary.p && r.Context == "" && !libraries[h.p.Stack] {
			r.Context = h.v.Meaning
			if r.Misleading == "" {
				r.Misleading = h.p.Misleading
			}
		}
	}
	// OpenSSL's reason texts appear inside BoringSSL's and LibreSSL's
	// errors: the library recognised by its own envelope is the one named.
	if seen["boringssl"] || seen["libressl"] {
		r.Stacks = slices.DeleteFunc(r.Stacks, func(s Stack) bool { return s.ID == "openssl" })
	}
	if len(r.Stacks) == 0 {
		if s, ok := StackOf(GenericStack); ok {
			r.Stacks = append(r.Stacks, s)
		}
	}
	for i, c := range causes {
		in := c.Info()
		r.Candidates = append(r.Candidates, Candidate{Rank: i + 1, Cause: c, Layer: in.Layer, Summary: in.Summary, Fix: in.Fix})
	}
	if len(r.Candidates) > 0 && primary.v.Fix != "" {
		r.Candidates[0].Fix = primary.v.Fix
	}
	r.Matched = len(r.Candidates) > 0
	if !r.Matched {
		r.Decided = false
	}
	for _, s := range r.Stacks {
		if s.Profile != "" {
			r.Profile = s.Profile
			break
		}
	}
	for _, h := range hits {
		if h.p.Profile != "" {
			r.Profile = h.p.Profile
		}
	}
	if side == SideServer {
		if r.Context != "" {
			r.Context += "; "
		}
		r.Context += "logged by the server about a connecting client: check the server that wrote it"
		r.Profile = ""
	} else if !edge(r.Stacks) {
		r.Target = endpointOf(msg, lower)
	}
	r.Command, r.Placeholder = command(r)
	return r
}

// viewOf is what p means on side.
func viewOf(p *Pattern, side Side) View {
	v := View{Causes: p.Causes, Decides: p.Decides, Meaning: p.Meaning, Decide: p.Decide, Fix: p.Fix}
	var over *View
	switch side {
	case SideServer:
		over = p.Server
		if over == nil && verifiesPeer(p) {
			// A server that verifies its peer's certificate is checking a
			// client certificate: whatever is wrong with it, the cause is
			// the client certificate the server will not accept.
			return View{
				Causes:  []cause.Code{cause.ClientCertRequired},
				Decides: true,
				Meaning: "this server rejected the connecting client's certificate (mutual TLS): " + p.Meaning,
				Decide:  dClientCert,
				Fix:     "give the client a certificate this server accepts (issued by one of the server's client CAs, valid now, with the clientAuth usage), or add its issuer to the server's client CAs",
			}
		}
	case SideClient:
		over = p.Client
	}
	if over == nil {
		return v
	}
	if len(over.Causes) > 0 {
		v.Causes, v.Decides = over.Causes, over.Decides
	}
	if over.Meaning != "" {
		v.Meaning = over.Meaning
	}
	if over.Decide != "" {
		v.Decide = over.Decide
	}
	if over.Fix != "" || len(over.Causes) > 0 {
		v.Fix = over.Fix
	}
	return v
}

// verifiesPeer reports whether p is a verification result about the
// peer's certificate (every cause is a certificate fault the verifier
// finds), as opposed to a message about one's own configuration.
func verifiesPeer(p *Pattern) bool {
	if len(p.Causes) == 0 || p.Envelope || p.Stack == GenericStack && p.Weak {
		return false
	}
	for _, c := range p.Causes {
		if c.Info().Layer != "certificate" || c == cause.KeyMismatch || c == cause.WeakKey && len(p.Causes) == 1 {
			return false
		}
	}
	return true
}

// The tiers in which patterns decide.
const (
	tierStack    = iota // names the stack only
	tierEnvelope        // an application's wrapper with the causes it implies
	tierWeak            // a stack's generic message ("certificate verify failed")
	tierGeneric         // wording every stack uses
	tierSpecific        // a stack's specific message
)

// tier orders hits for deciding.
func tier(h hit) int {
	switch {
	case len(h.v.Causes) == 0:
		return tierStack
	case h.p.Envelope:
		return tierEnvelope
	case h.p.Weak:
		return tierWeak
	case h.p.Stack == GenericStack:
		return tierGeneric
	}
	return tierSpecific
}

func overlaps(a, b hit) bool { return a.start < b.end && b.start < a.end }

// inside reports whether hits[i] is a message text found within another
// stack's message, and so names no stack: OpenSSL's "certificate has
// expired" inside Go's "x509: certificate has expired or is not yet valid"
// does not make the line OpenSSL's. Envelopes always name theirs.
func inside(hits []hit, i int) bool {
	h := hits[i]
	if h.p.Envelope {
		return false
	}
	for j, o := range hits {
		if j == i || o.p.Stack == h.p.Stack || o.p.Envelope || o.p.Stack == GenericStack || o.start > h.start || h.end > o.end {
			continue
		}
		if o.start < h.start || h.end < o.end || better(o, h) {
			return true
		}
	}
	return false
}

// libraries are the stacks whose texts appear inside applications' logs.
var libraries = map[string]bool{"openssl": true, "boringssl": true, "libressl": true, "gnutls": true, "os": true}

// outer ranks a hit for naming stacks: an application's envelope, then a
// library's envelope, then message patterns.
func outer(p *Pattern) int {
	switch {
	case p.Envelope && !libraries[p.Stack]:
		return 2
	case p.Envelope:
		return 1
	}
	return 0
}

func better(a, b hit) bool {
	ta, tb := tier(a), tier(b)
	// The wording every stack uses, found within a stack's own generic
	// message ("certificate verify failed"), is that message: the stack's
	// reading says more.
	if ta == tierWeak && tb == tierGeneric && a.start <= b.start && b.end <= a.end {
		return true
	}
	if tb == tierWeak && ta == tierGeneric && b.start <= a.start && a.end <= b.end {
		return false
	}
	if ta != tb {
		return ta > tb
	}
	// Among the wording every stack uses, the narrower reading first:
	// "no cipher in common" says more than "could not establish a secure
	// connection".
	if ta == tierGeneric && len(a.v.Causes) != len(b.v.Causes) {
		return len(a.v.Causes) < len(b.v.Causes)
	}
	if al, bl := a.end-a.start, b.end-b.start; al != bl {
		return al > bl
	}
	return false
}

// match returns every pattern that matches msg, each once. The wording
// every stack uses is only tried when no stack's specific message matched:
// it could not decide then, and skipping it keeps log reading fast.
func match(msg, lower string) []hit {
	cands := scanner.find(msg)
	if len(cands) == 0 && len(always) == 0 {
		return nil
	}
	var hits []hit
	specific := false
	var failed [][2]int
	failedKnown := false
	try := func(ref int) {
		pi, si := subRefs[ref][0], subRefs[ref][1]
		p := table[pi]
		loc := p.subs[si].re.FindStringIndex(lower)
		if loc == nil {
			return
		}
		if p.topic[si] {
			if !failedKnown {
				failed, failedKnown = failures(msg, lower), true
			}
			if !failsOutside(failed, loc[0], loc[1]) {
				return
			}
		}
		h := hit{p: p, start: loc[0], end: loc[1]}
		specific = specific || p.specific()
		for k := range hits {
			if hits[k].p == p {
				// The pattern's match: the longest span.
				if h.end-h.start > hits[k].end-hits[k].start {
					hits[k] = h
				}
				return
			}
		}
		hits = append(hits, h)
	}
	var later []int
	for _, ref := range cands {
		if deferred[ref] {
			later = append(later, ref)
			continue
		}
		try(ref)
	}
	for _, ref := range always {
		try(ref)
	}
	if !specific {
		for _, ref := range later {
			try(ref)
		}
	}
	return hits
}

// specific reports whether p is a stack's own message with causes: the
// tier above the wording every stack uses.
func (p *Pattern) specific() bool {
	return len(p.Causes) > 0 && !p.Envelope && !p.Weak && p.Stack != GenericStack && p.Marks == SideUnknown
}

// Mentions reports whether msg has a word that TLS failures use; with
// StatesFailure, it counts lines that look like failures no pattern knows.
func Mentions(msg string) bool {
	// One pass: only where a word's first letter occurs is it compared.
	for i := 0; i < len(msg); i++ {
		c := msg[i] | 0x20
		var words []string
		switch c {
		case 's':
			words = mentionS
		case 't':
			words = mentionT
		case 'x':
			words = mentionX
		case 'c':
			words = mentionC
		case 'h':
			words = mentionH
		case 'p':
			words = mentionP
		default:
			continue
		}
		for _, w := range words {
			if hasFoldAt(msg, i, w) {
				return true
			}
		}
	}
	return false
}

var (
	mentionS = []string{"ssl"}
	mentionT = []string{"tls"}
	mentionX = []string{"x509"}
	mentionC = []string{"certificate"}
	mentionH = []string{"handshake"}
	mentionP = []string{"pkix"}
)

// hasFoldAt reports whether s has the lower-case ASCII word k at i,
// ignoring ASCII case.
func hasFoldAt(s string, i int, k string) bool {
	if i+len(k) > len(s) {
		return false
	}
	for j := 0; j < len(k); j++ {
		c := s[i+j]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != k[j] {
			return false
		}
	}
	return true
}

// containsFold reports whether s contains the lower-case ASCII word k,
// ignoring ASCII case, without allocating.
func containsFold(s, k string) bool {
	for i := 0; i+len(k) <= len(s); i++ {
		j := 0
		for ; j < len(k); j++ {
			c := s[i+j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != k[j] {
				break
			}
		}
		if j == len(k) {
			return true
		}
	}
	return false
}

// asciiLower lowers ASCII letters only, so that byte offsets in the result
// are offsets in s.
func asciiLower(s string) string {
	i := 0
	for ; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			break
		}
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if c := b[i]; c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// lowerRegex lowers the letters of a regular expression that stand for
// themselves (not escapes such as \S or \d), so that it matches the
// asciiLower form of what the original matches case-insensitively. Matching
// lower-case text without (?i) lets the regexp package use literal prefixes.
func lowerRegex(re string) string {
	b := []byte(re)
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' {
			i++
			continue
		}
		if c := b[i]; c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// gated is an extraction expression with the literals one of which any
// match contains, to skip it cheaply.
type gated struct {
	re   *regexp.Regexp
	lits []string
}

func gate(re string) gated {
	return gated{regexp.MustCompile(lowerRegex(re)), literals(re)}
}

// find returns the submatches of g in orig, matching on lower (its
// asciiLower form), or nil.
func (g gated) find(orig, lower string) []string {
	if len(g.lits) > 0 {
		ok := false
		for _, l := range g.lits {
			if strings.Contains(lower, l) {
				ok = true
				break
			}
		}
		if !ok {
			return nil
		}
	}
	loc := g.re.FindStringSubmatchIndex(lower)
	if loc == nil {
		return nil
	}
	return submatches(orig, loc)
}

func submatches(s string, loc []int) []string {
	out := make([]string, len(loc)/2)
	for i := range out {
		if loc[2*i] >= 0 {
			out[i] = s[loc[2*i]:loc[2*i+1]]
		}
	}
	return out
}

// The extractors of endpoint, compiled on first use (not at start-up: most
// runs of the command never explain a message).
var (
	reURL              gated
	reHostPort, reName []gated
	reOnce             sync.Once
)

func compileExtractors() {
	reURL = gate(`https?://(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::(\d{1,5}))?[^\s"'<>)\]},;|]*`)
	// Where the message names the server rather than a URL.
	reHostPort = []gated{
		gate(`host='([^']+)', port=(\d+)`),                              // Python urllib3
		gate(`in connection to ([^\s:]+):(\d+)`),                        // curl
		gate(`connection to server at "([^"]+)" \([^)]*\), port (\d+)`), // libpq
		gate(`Cannot connect to host ([^\s:]+):(\d+)`),                  // aiohttp
		gate(`Connecting to [^\s]+ \([^)]*\)\|([^|]+)\|:(\d+)`),         // wget
		gate(`\b(?:dial tcp|connect E[A-Z]+|upstream_host|upstream host|remote address|server at)[: ]+\[?([0-9a-f.:]*[0-9a-f])\]?:(\d{1,5})\b`),
		gate(`Failed to connect to ([^\s]+) port (\d+)`), // curl (7)
		gate(`Could not resolve host: ([^\s;]+)()`),      // curl (6)
		gate(`getaddrinfo E[A-Z]+ ([^\s]+)()`),           // Node
		gate(`\blookup ([a-z0-9._-]+\.[a-z]{2,})(?: on [^:]+:\d+)?: no such host()`),
		gate(`unable to access '([^']+)'`),
	}
	// Where the message names the name the client asked for.
	reName = []gated{
		gate(`Host name '([^']+)' does not match`),                          // Apache HttpClient
		gate(`Certificate for <([^>]+)> doesn't match`),                     // Apache HttpClient 4.5+
		gate(`No (?:subject alternative DNS )?name matching (\S+) found`),   // JSSE
		gate(`Hostname ([^\s]+) not verified`),                              // OkHttp
		gate(`Host: ([^\s]+?)\.? is not in the cert's altnames`),            // Node
		gate(`not valid for '([^']+)'`),                                     // Python
		gate(`target host name '([^']+)'`),                                  // curl
		gate(`certificate is valid for .*?, not ([^\s"')]+)`),               // Go
		gate(`does not match host name "([^"]+)"`),                          // libpq
		gate(`upstream SSL certificate does not match "([^"]+)"`),           // nginx
		gate(`doesn't match requested host name '([^']+)'`),                 // wget
		gate(`matches requested host name '([^']+)'`),                       // wget
		gate(`connecting to a server that is pretending to be “([^”]+)”`),   // Apple
		gate(`hostname '([^']+)' doesn't match`),                            // Python 2/3.6
		gate(`cannot validate certificate for ([^\s]+) because it doesn't`), // Go (IP)
		gate(`The hostname ([^\s]+) could not be verified`),                 // pgjdbc
		gate(`Host name verification failed for host : ([^\s]+)`),           // WSO2
	}
}

// docHost lists the hosts of documentation links that error messages
// carry ("More details here: https://curl.se/docs/sslcerts.html"): never
// the server that failed.
var docHost = map[string]bool{
	"curl.se": true, "curl.haxx.se": true, "www.openssl.org": true, "openssl.org": true,
	"sqlalche.me": true, "aka.ms": true, "docs.microsoft.com": true, "learn.microsoft.com": true,
	"go.microsoft.com": true, "developer.android.com": true, "docs.python.org": true,
	"nodejs.org": true, "stackoverflow.com": true, "urllib3.readthedocs.io": true,
	"requests.readthedocs.io": true, "docs.docker.com": true,
}

// endpoint reads the server and the requested name from msg.
func endpoint(msg string) Endpoint { return endpointOf(msg, asciiLower(msg)) }

var (
	epOnce    sync.Once
	epScanner *matcher // finds the extractors (reHostPort, then reName) whose literal occurs
	epAlways  []bool
)

// extractors returns which of reHostPort+reName may match msg.
func extractors(msg string) []bool {
	reOnce.Do(compileExtractors)
	epOnce.Do(func() {
		var lits []string
		var owners []int
		all := append(append([]gated(nil), reHostPort...), reName...)
		epAlways = make([]bool, len(all))
		for i, g := range all {
			if len(g.lits) == 0 {
				epAlways[i] = true
			}
			for _, l := range g.lits {
				lits = append(lits, l)
				owners = append(owners, i)
			}
		}
		epScanner = newMatcher(lits, owners)
	})
	may := append([]bool(nil), epAlways...)
	for _, i := range epScanner.find(msg) {
		may[i] = true
	}
	return may
}

func endpointOf(msg, lower string) Endpoint {
	var e Endpoint
	may := extractors(msg)
	// The first https URL, else the first URL; not a documentation link.
	var url []string
	for off, n := 0, 0; n < 8 && off < len(lower); n++ {
		loc := reURL.re.FindStringSubmatchIndex(lower[off:])
		if loc == nil {
			break
		}
		m := submatches(msg[off:], loc)
		if docHost[asciiLower(m[1])] {
			off += loc[1]
			continue
		}
		https := strings.HasPrefix(lower[off+loc[0]:], "https")
		if url == nil || https {
			url = m
		}
		if https {
			break
		}
		off += loc[1]
	}
	if url != nil {
		e.URL, e.Host, e.Port = strings.TrimRight(url[0], ".:"), strings.Trim(url[1], "[]"), url[2]
	}
	if e.Host == "" {
		for i, re := range reHostPort {
			if !may[i] {
				continue
			}
			if m := re.find(msg, lower); m != nil {
				if strings.Contains(m[1], "://") {
					if u := reURL.find(m[1], asciiLower(m[1])); u != nil {
						e.URL, e.Host, e.Port = u[0], strings.Trim(u[1], "[]"), u[2]
						break
					}
					continue
				}
				e.Host = strings.Trim(m[1], "[]")
				if len(m) > 2 {
					e.Port = m[2]
				}
				break
			}
		}
	}
	if e.Host == "" {
		e.Host, e.Port = ipPort(msg)
	}
	if p, err := strconv.Atoi(e.Port); e.Port != "" && (err != nil || p < 1 || p > 65535) {
		e.Port = ""
	}
	for i, re := range reName {
		if !may[len(reHostPort)+i] {
			continue
		}
		if m := re.re.FindStringSubmatchIndex(lower); m != nil {
			m := submatches(msg, m)
			e.ServerName = strings.TrimRight(strings.Trim(m[1], "'\"<>"), ".,:;")
			break
		}
	}
	if e.Host == "" && e.ServerName != "" && !isIP(e.ServerName) {
		e.Host, e.fromName = e.ServerName, true
	}
	if strings.EqualFold(e.ServerName, e.Host) {
		e.ServerName = ""
	}
	e.Host = strings.ToLower(e.Host)
	// What goes into a command must be a name or an address: a log line
	// can carry anything, escape sequences included.
	if !hostLike(e.Host) {
		e = Endpoint{ServerName: e.ServerName}
	}
	if !hostLike(e.ServerName) {
		e.ServerName = ""
	}
	if i := strings.IndexFunc(e.URL, func(r rune) bool { return r < 0x20 || r == 0x7f || r > 0x7e }); i >= 0 {
		e.URL = ""
	}
	return e
}

// hostLike reports whether s is empty, an IP address, or made of the
// characters of a host name.
func hostLike(s string) bool {
	if s == "" || isIP(s) {
		return true
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '.' || c == '-' || c == '_' || c == '*' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			return false
		}
	}
	return true
}

// ipPort finds the first IPv4-address:port in s (the last resort for lines
// that name the server only so), by hand: a regular expression without a
// literal would scan every line from every position.
func ipPort(s string) (string, string) {
	for i := 0; i < len(s); i++ {
		if s[i] != ':' || i == 0 || i+1 >= len(s) || s[i+1] < '0' || s[i+1] > '9' {
			continue
		}
		j := i
		for j > 0 && (s[j-1] == '.' || (s[j-1] >= '0' && s[j-1] <= '9')) {
			j--
		}
		k := i + 1
		for k < len(s) && k-i <= 5 && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k < len(s) && s[k] >= '0' && s[k] <= '9' {
			continue // more than five digits
		}
		if (j > 0 && isWordByte(s[j-1])) || !isIP(s[j:i]) || strings.Count(s[j:i], ".") != 3 {
			continue
		}
		return s[j:i], s[i+1 : k]
	}
	return "", ""
}

func isIP(s string) bool { _, err := netip.ParseAddr(s); return err == nil }

// joinHostPort is net.JoinHostPort; package explain does no networking.
func joinHostPort(host, port string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + port
	}
	return host + ":" + port
}

func isWordByte(c byte) bool {
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// command builds the deciding check for r.
func edge(stacks []Stack) bool {
	for _, s := range stacks {
		if s.Edge {
			return true
		}
	}
	return false
}

// OriginPlaceholder stands for the origin server in the command of an edge's
// line (a CDN's or load balancer's), which names only the viewer's URL.
const OriginPlaceholder = "ORIGIN"

func command(r *Result) (string, bool) {
	var st Stack
	for _, s := range r.Stacks {
		if s.StartTLS != "" {
			st = s
			break
		}
	}
	host, port, placeholder := r.Target.Host, r.Target.Port, false
	if host == "" {
		host, placeholder = "HOST", true
		if edge(r.Stacks) {
			host = OriginPlaceholder
		}
	}
	if st.StartTLS != "" {
		if port == "" {
			port = st.Port
		}
		name := host
		if r.Target.ServerName != "" {
			name = r.Target.ServerName
		}
		return "openssl s_client -starttls " + st.StartTLS + " -connect " + joinHostPort(host, port) + " -servername " + name + " -showcerts", placeholder
	}
	var b strings.Builder
	b.WriteString("tlsdoctor check ")
	if r.Target.URL != "" && strings.HasPrefix(strings.ToLower(r.Target.URL), "https://") {
		b.WriteString(r.Target.URL)
	} else {
		b.WriteString("https://")
		if port != "" && port != "443" {
			b.WriteString(joinHostPort(host, port))
		} else if strings.Contains(host, ":") {
			b.WriteString("[" + host + "]")
		} else {
			b.WriteString(host)
		}
		b.WriteString("/")
	}
	if r.Target.ServerName != "" {
		b.WriteString(" --servername " + r.Target.ServerName)
	}
	if r.Profile != "" && r.Profile != "default" {
		b.WriteString(" --profile " + r.Profile)
	}
	return b.String(), placeholder
}
