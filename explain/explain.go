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
	"net"
	"regexp"
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

	re   *regexp.Regexp
	lits []string // one of these (lower case) occurs in every match
}

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
	return net.JoinHostPort(e.Host, port)
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
	Decided bool     `json:"decided"`
	Decide  string   `json:"decide,omitempty"`
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

// MaxInput bounds the text one message may hold; the rest is ignored.
const MaxInput = 64 << 10

var (
	once    sync.Once
	table   []*Pattern
	scanner *matcher
	always  []int // patterns without a literal: tried on every message
)

func compile() {
	table = make([]*Pattern, len(patterns))
	var lits []string
	var owners []int
	for i := range patterns {
		p := &patterns[i]
		p.re = regexp.MustCompile("(?i)" + p.Re)
		p.lits = literals(p.Re)
		table[i] = p
		if len(p.lits) == 0 {
			always = append(always, i)
		}
		for _, l := range p.lits {
			lits = append(lits, l)
			owners = append(owners, i)
		}
	}
	scanner = newMatcher(lits, owners)
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
}

// Explain explains one message (which may span lines: a stack trace).
func Explain(msg string) *Result {
	once.Do(compile)
	if len(msg) > MaxInput {
		msg = msg[:MaxInput]
	}
	r := &Result{SchemaVersion: SchemaVersion, Input: strings.TrimSpace(msg)}
	hits := match(msg)
	if len(hits) == 0 {
		return r
	}
	// The deciding pattern: a cause-bearing pattern before an envelope, then
	// the longest match (the most specific text), then catalog order.
	best := -1
	for i, h := range hits {
		if best < 0 || better(h, hits[best]) {
			best = i
		}
	}
	primary := hits[best].p
	r.Pattern = primary.ID
	r.Meaning = primary.Meaning
	r.Misleading = primary.Misleading
	r.Decide = primary.Decide
	causes := primary.Causes
	r.Decided = primary.Decides
	// Stacks: envelopes first (outermost application), in text order.
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].p.Envelope != hits[j].p.Envelope {
			return hits[i].p.Envelope
		}
		return hits[i].start < hits[j].start
	})
	seen := map[string]bool{}
	for _, h := range hits {
		r.Patterns = append(r.Patterns, h.p.ID)
		if !seen[h.p.Stack] {
			seen[h.p.Stack] = true
			if s, ok := StackOf(h.p.Stack); ok {
				r.Stacks = append(r.Stacks, s)
			}
		}
		if h.p.Envelope && h.p != primary && r.Context == "" {
			r.Context = h.p.Meaning
			if r.Misleading == "" {
				r.Misleading = h.p.Misleading
			}
		}
	}
	for i, c := range causes {
		in := c.Info()
		r.Candidates = append(r.Candidates, Candidate{Rank: i + 1, Cause: c, Layer: in.Layer, Summary: in.Summary, Fix: in.Fix})
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
	r.Target = endpoint(msg)
	r.Command, r.Placeholder = command(r)
	return r
}

// tier orders patterns for deciding: a specific message with causes, then
// an envelope with causes, then a pattern that only names the stack.
func tier(p *Pattern) int {
	switch {
	case len(p.Causes) == 0:
		return 0
	case p.Envelope:
		return 1
	}
	return 2
}

func better(a, b hit) bool {
	if ta, tb := tier(a.p), tier(b.p); ta != tb {
		return ta > tb
	}
	if al, bl := a.end-a.start, b.end-b.start; al != bl {
		return al > bl
	}
	return false
}

// match returns every pattern that matches msg, each once.
func match(msg string) []hit {
	var hits []hit
	try := func(i int) {
		p := table[i]
		if loc := p.re.FindStringIndex(msg); loc != nil {
			hits = append(hits, hit{p, loc[0], loc[1]})
		}
	}
	cands := scanner.find(msg)
	for _, i := range cands {
		try(i)
	}
	for _, i := range always {
		try(i)
	}
	return hits
}

// Mentions reports whether msg has a word that TLS failures use, for
// counting lines that look relevant but match no pattern.
func Mentions(msg string) bool {
	l := strings.ToLower(msg)
	for _, k := range []string{"ssl", "tls", "x509", "certificate", "handshake", "pkix"} {
		if strings.Contains(l, k) {
			return true
		}
	}
	return false
}

var (
	reURL = regexp.MustCompile(`(?i)\bhttps?://(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::(\d{1,5}))?[^\s"'<>)\],;|]*`)
	// Where the message names the server rather than a URL.
	reHostPort = []*regexp.Regexp{
		regexp.MustCompile(`host='([^']+)', port=(\d+)`),                                  // Python urllib3
		regexp.MustCompile(`(?i)in connection to ([^\s:]+):(\d+)`),                        // curl
		regexp.MustCompile(`(?i)connection to server at "([^"]+)" \([^)]*\), port (\d+)`), // libpq
		regexp.MustCompile(`(?i)Cannot connect to host ([^\s:]+):(\d+)`),                  // aiohttp
		regexp.MustCompile(`(?i)Connecting to [^\s]+ \([^)]*\)\|([^|]+)\|:(\d+)`),         // wget
		regexp.MustCompile(`(?i)\b(?:dial tcp|connect E[A-Z]+|upstream_host|upstream host|remote address|server at)[: ]+\[?([0-9a-f.:]*[0-9a-f])\]?:(\d{1,5})\b`),
		regexp.MustCompile(`(?i)Failed to connect to ([^\s]+) port (\d+)`), // curl (7)
		regexp.MustCompile(`(?i)Could not resolve host: ([^\s;]+)()`),      // curl (6)
		regexp.MustCompile(`(?i)getaddrinfo E[A-Z]+ ([^\s]+)()`),           // Node
		regexp.MustCompile(`(?i)\blookup ([a-z0-9._-]+\.[a-z]{2,})(?: on [^:]+:\d+)?: no such host()`),
		regexp.MustCompile(`(?i)unable to access '([^']+)'`),
		regexp.MustCompile(`\b((?:\d{1,3}\.){3}\d{1,3}):(\d{1,5})\b`),
	}
	// Where the message names the name the client asked for.
	reName = []*regexp.Regexp{
		regexp.MustCompile(`(?i)Host name '([^']+)' does not match`),                          // Apache HttpClient
		regexp.MustCompile(`(?i)Certificate for <([^>]+)> doesn't match`),                     // Apache HttpClient 4.5+
		regexp.MustCompile(`(?i)No (?:subject alternative DNS )?name matching (\S+) found`),   // JSSE
		regexp.MustCompile(`(?i)Hostname ([^\s]+) not verified`),                              // OkHttp
		regexp.MustCompile(`(?i)Host: ([^\s]+?)\.? is not in the cert's altnames`),            // Node
		regexp.MustCompile(`(?i)not valid for '([^']+)'`),                                     // Python
		regexp.MustCompile(`(?i)target host name '([^']+)'`),                                  // curl
		regexp.MustCompile(`(?i)certificate is valid for .*?, not ([^\s"')]+)`),               // Go
		regexp.MustCompile(`(?i)does not match host name "([^"]+)"`),                          // libpq
		regexp.MustCompile(`(?i)upstream SSL certificate does not match "([^"]+)"`),           // nginx
		regexp.MustCompile(`(?i)doesn't match requested host name '([^']+)'`),                 // wget
		regexp.MustCompile(`(?i)matches requested host name '([^']+)'`),                       // wget
		regexp.MustCompile(`(?i)connecting to a server that is pretending to be “([^”]+)”`),   // Apple
		regexp.MustCompile(`(?i)hostname '([^']+)' doesn't match`),                            // Python 2/3.6
		regexp.MustCompile(`(?i)cannot validate certificate for ([^\s]+) because it doesn't`), // Go (IP)
	}
)

// endpoint reads the server and the requested name from msg.
func endpoint(msg string) Endpoint {
	var e Endpoint
	best := ""
	for _, m := range reURL.FindAllStringSubmatch(msg, 8) {
		if best == "" || (strings.HasPrefix(strings.ToLower(m[0]), "https") && !strings.HasPrefix(strings.ToLower(best), "https")) {
			best = m[0]
			e.URL, e.Host, e.Port = strings.TrimRight(m[0], ".:"), strings.Trim(m[1], "[]"), m[2]
		}
	}
	if e.Host == "" {
		for _, re := range reHostPort {
			if m := re.FindStringSubmatch(msg); m != nil {
				if strings.Contains(m[1], "://") {
					if u := reURL.FindStringSubmatch(m[1]); u != nil {
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
	if p, err := strconv.Atoi(e.Port); e.Port != "" && (err != nil || p < 1 || p > 65535) {
		e.Port = ""
	}
	for _, re := range reName {
		if m := re.FindStringSubmatch(msg); m != nil {
			e.ServerName = strings.TrimRight(strings.Trim(m[1], "'\"<>"), ".,:;")
			break
		}
	}
	if e.Host == "" && e.ServerName != "" && net.ParseIP(e.ServerName) == nil {
		e.Host, e.fromName = e.ServerName, true
	}
	if strings.EqualFold(e.ServerName, e.Host) {
		e.ServerName = ""
	}
	e.Host = strings.ToLower(e.Host)
	return e
}

// command builds the deciding check for r.
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
	}
	if st.StartTLS != "" {
		if port == "" {
			port = st.Port
		}
		name := host
		if r.Target.ServerName != "" {
			name = r.Target.ServerName
		}
		return "openssl s_client -starttls " + st.StartTLS + " -connect " + net.JoinHostPort(host, port) + " -servername " + name + " -showcerts", placeholder
	}
	var b strings.Builder
	b.WriteString("tlsdoctor check ")
	if r.Target.URL != "" && strings.HasPrefix(strings.ToLower(r.Target.URL), "https://") {
		b.WriteString(r.Target.URL)
	} else {
		b.WriteString("https://")
		if port != "" && port != "443" {
			b.WriteString(net.JoinHostPort(host, port))
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
