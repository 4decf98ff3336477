package explain

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

// corpusEntry is one message as people pasted it in a public bug report or
// documentation, with the cause established there.
type corpusEntry struct {
	// ID is the first 10 hex digits of SHA-256(source + "\n" + message):
	// derived, so that no one chooses which entries are held out.
	ID    string     `json:"id"`
	Round int        `json:"round"` // 1: written with the first patterns; 2: gathered after the held-out split was fixed
	Stack string     `json:"stack"`
	Cause cause.Code `json:"cause"`
	// Compatible are the other causes the message's words allow, labelled
	// from the message alone: a top candidate among them (or the cause) is
	// compatible with the message.
	Compatible []cause.Code `json:"compatible"`
	Source     string       `json:"source"`
	Note       string       `json:"note"`
	Message    string       `json:"message"`
	// Decides marks a message that alone establishes the cause: it must
	// rank first.
	Decides bool `json:"decides"`
	line    int
}

// heldOut reports whether an entry belongs to the held-out fifth: no
// pattern may be written or tuned against these, and the tests report them
// only in aggregate.
func heldOut(id string) bool {
	h := fnv.New32a()
	h.Write([]byte(id))
	return h.Sum32()%5 == 0
}

func entryID(source, message string) string {
	sum := sha256.Sum256([]byte(source + "\n" + message))
	return hex.EncodeToString(sum[:])[:10]
}

func loadCorpus(t testing.TB) []corpusEntry { return loadEntries(t, "testdata/corpus.jsonl") }

func loadEntries(t testing.TB, name string) []corpusEntry {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var e corpusEntry
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			t.Fatalf("%s line %d: %v", name, n, err)
		}
		e.line = n
		out = append(out, e)
	}
	return out
}

// The stacks a corpus label may be recognised as: Kubernetes and Traefik
// print Go's texts, OkHttp runs on Android's stack, git on libcurl.
var stackAlias = map[string][]string{
	"kubernetes":        {"go"},
	"traefik":           {"go"},
	"okhttp":            {"android", "java"},
	"git":               {"curl", "gnutls", "schannel"},
	"apache-httpclient": {"java"},
	"powershell":        {"dotnet", "schannel"},
	"apisix":            {"nginx"},
	// OpenSSL's texts relayed as they are by these runtimes.
	"node":   {"openssl"},
	"python": {"openssl"},
}

func TestCorpus(t *testing.T) {
	entries := loadCorpus(t)
	if len(entries) < minCorpus {
		t.Errorf("the corpus has %d entries; it must not shrink below %d", len(entries), minCorpus)
	}
	recognised := map[string]int{}
	labelled := map[string]int{}
	seen := map[string]bool{}
	for _, e := range entries {
		where := e.Source + " (line " + itoa(e.line) + ")"
		if !strings.HasPrefix(e.Source, "https://") || e.Note == "" || e.Message == "" {
			t.Errorf("%s: every entry needs an https source, a note and a message", where)
		}
		if !e.Cause.Known() || e.Cause == cause.OK {
			t.Errorf("%s: unknown cause %q", where, e.Cause)
		}
		if _, ok := StackOf(e.Stack); !ok {
			t.Errorf("%s: unknown stack %q", where, e.Stack)
		}
		if e.ID != entryID(e.Source, e.Message) {
			t.Errorf("%s: id %q, want %q (derived from the source and the message)", where, e.ID, entryID(e.Source, e.Message))
		}
		if e.Round != 1 && e.Round != 2 {
			t.Errorf("%s: round %d", where, e.Round)
		}
		for _, c := range e.Compatible {
			if !c.Known() || c == cause.OK || c == e.Cause {
				t.Errorf("%s: compatible cause %q", where, c)
			}
		}
		if seen[e.ID] {
			t.Errorf("%s: duplicate entry", where)
		}
		seen[e.ID] = true
		labelled[e.Stack]++
		if heldOut(e.ID) {
			continue // scored in aggregate only, by TestGeneralisation
		}
		r := Explain(e.Message)
		if !r.Matched {
			t.Errorf("%s: not recognised: %q", where, e.Message)
			continue
		}
		rank := r.Rank(e.Cause)
		switch {
		case rank == 0:
			t.Errorf("%s: cause %s not among the candidates %v of %s for %q", where, e.Cause, r.Causes(), r.Pattern, e.Message)
		case e.Decides && rank != 1:
			t.Errorf("%s: the message alone decides %s, but it ranks %d in %v (%s)", where, e.Cause, rank, r.Causes(), r.Pattern)
		case r.Decided && rank != 1:
			t.Errorf("%s: pattern %s claims to decide %s, but the source established %s", where, r.Pattern, r.Causes()[0], e.Cause)
		}
		ok := false
		for _, s := range r.Stacks {
			recognised[s.ID]++
			if s.ID == e.Stack {
				ok = true
			}
			for _, a := range stackAlias[e.Stack] {
				if s.ID == a {
					ok = true
				}
			}
		}
		if !ok {
			var ids []string
			for _, s := range r.Stacks {
				ids = append(ids, s.ID)
			}
			t.Errorf("%s: labelled %s but recognised as %v: %q", where, e.Stack, ids, e.Message)
		}
	}
	// Every stack the issue names has patterns and corpus entries.
	patterns := map[string]int{}
	for _, p := range Patterns() {
		patterns[p.Stack]++
	}
	for _, id := range []string{"java", "apache-httpclient", "go", "openssl", "boringssl", "curl", "libressl", "gnutls",
		"python", "node", "dotnet", "powershell", "schannel", "chrome", "firefox", "safari", "android", "nginx", "envoy",
		"haproxy", "traefik", "kubernetes", "aws-apigw", "oci-apigw", "azure-appgw", "git", "wget", "postgresql", "mysql"} {
		if patterns[id] == 0 {
			t.Errorf("stack %s has no pattern", id)
		}
		if recognised[id] == 0 && labelled[id] == 0 {
			t.Errorf("stack %s has no corpus entry", id)
		}
	}
	if testing.Verbose() {
		var ids []string
		for id := range labelled {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			t.Logf("%-18s %3d entries, recognised in %d", id, labelled[id], recognised[id])
		}
	}
}

func TestCatalogIsWellFormed(t *testing.T) {
	ids := map[string]bool{}
	for _, p := range Patterns() {
		if ids[p.ID] {
			t.Errorf("duplicate pattern ID %s", p.ID)
		}
		ids[p.ID] = true
		if _, ok := StackOf(p.Stack); !ok {
			t.Errorf("%s: unknown stack %q", p.ID, p.Stack)
		}
		if !strings.HasPrefix(p.ID, p.Stack+"/") {
			t.Errorf("%s: the ID must start with its stack", p.ID)
		}
		if len(p.lits) == 0 {
			t.Errorf("%s: no required literal can be drawn from %q: every line would run it", p.ID, p.Re)
		}
		if p.Meaning == "" {
			t.Errorf("%s: no meaning", p.ID)
		}
		if len(p.Causes) > 0 && p.Decide == "" {
			t.Errorf("%s: causes without the check that decides between them", p.ID)
		}
		if p.Decides && len(p.Causes) == 0 {
			t.Errorf("%s: decides with no cause", p.ID)
		}
		if !p.Envelope && len(p.Causes) == 0 && p.Marks == SideUnknown {
			t.Errorf("%s: a message pattern with no cause", p.ID)
		}
		seen := map[cause.Code]bool{}
		for _, c := range p.Causes {
			if !c.Known() || c == cause.OK {
				t.Errorf("%s: unknown cause %s", p.ID, c)
			}
			if seen[c] {
				t.Errorf("%s: %s listed twice", p.ID, c)
			}
			seen[c] = true
		}
	}
	for _, s := range Stacks() {
		if s.Profile == "" {
			continue
		}
		found := false
		for _, id := range profile.IDs() {
			if id == s.Profile {
				found = true
			}
		}
		if !found {
			t.Errorf("stack %s names profile %q, which does not exist", s.ID, s.Profile)
		}
	}
}

// corpusScore is how explain does on a set of entries.
type corpusScore struct {
	n, among, topCompatible, top, decidedWrong int
}

func (s *corpusScore) add(e corpusEntry) {
	s.n++
	r := Explain(e.Message)
	if !r.Matched {
		return
	}
	if r.Rank(e.Cause) > 0 {
		s.among++
	}
	top := r.Candidates[0].Cause
	if top == e.Cause {
		s.top++
	}
	if top == e.Cause || slices.Contains(e.Compatible, top) {
		s.topCompatible++
	}
	if r.Decided && top != e.Cause {
		s.decidedWrong++
	}
}

func pct(k, n int) float64 {
	if n == 0 {
		return 0
	}
	return 100 * float64(k) / float64(n)
}

func (s corpusScore) String() string {
	return fmt.Sprintf("%d entries: true cause among the candidates %.0f%%, top candidate compatible %.0f%%, top = true cause %.0f%%, decided wrongly %d",
		s.n, pct(s.among, s.n), pct(s.topCompatible, s.n), pct(s.top, s.n), s.decidedWrong)
}

// minCorpus is the corpus size the tests hold: issue 12 asks for 400.
const minCorpus = 400

// Held-out targets (issue 12).
const (
	targetAmong         = 90
	targetTopCompatible = 90
	targetTop           = 55
)

// TestGeneralisation scores the training part and the held-out fifth of the
// corpus. The held-out part is reported only in aggregate: which entries
// miss is never printed, so that no pattern is tuned against them.
func TestGeneralisation(t *testing.T) {
	var train, held, heldFresh corpusScore
	for _, e := range loadCorpus(t) {
		if heldOut(e.ID) {
			held.add(e)
			if e.Round == 2 {
				heldFresh.add(e)
			}
		} else {
			train.add(e)
		}
	}
	t.Logf("training: %v", train)
	t.Logf("held out: %v", held)
	t.Logf("held out, gathered after the split: %v", heldFresh)
	for _, c := range []struct {
		name string
		s    corpusScore
	}{{"held-out", held}, {"held-out gathered after the split", heldFresh}} {
		if c.s.n < 30 {
			t.Errorf("%s: only %d entries", c.name, c.s.n)
		}
		if pct(c.s.among, c.s.n) < targetAmong || pct(c.s.topCompatible, c.s.n) < targetTopCompatible || pct(c.s.top, c.s.n) < targetTop {
			t.Errorf("%s below the targets (%d%% / %d%% / %d%%): %v", c.name, targetAmong, targetTopCompatible, targetTop, c.s)
		}
	}
}

// observedFile holds the error lines real clients printed against the lab's
// endpoints (written by the conformance harness, when present).
const observedFile = "testdata/observed.jsonl"

// observedEntry is one line of observedFile. The harness owns the format,
// so the fields are read by the names it may use.
type observedEntry struct {
	line    int
	client  string
	cause   cause.Code
	message string
}

func loadObserved(t *testing.T) []observedEntry {
	t.Helper()
	data, err := os.ReadFile(observedFile)
	if os.IsNotExist(err) {
		t.Skipf("%s does not exist (the conformance harness writes it)", observedFile)
	}
	if err != nil {
		t.Fatal(err)
	}
	str := func(m map[string]any, keys ...string) string {
		for _, k := range keys {
			if s, ok := m[k].(string); ok && strings.TrimSpace(s) != "" {
				return s
			}
		}
		return ""
	}
	var out []observedEntry
	for i, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%s line %d: %v", observedFile, i+1, err)
		}
		e := observedEntry{
			line:    i + 1,
			client:  str(m, "client", "stack", "tool", "program"),
			cause:   cause.Code(str(m, "cause", "expected_cause", "expected", "code")),
			message: str(m, "message", "line", "error", "stderr", "output"),
		}
		if e.message == "" || !e.cause.Known() || e.cause == cause.OK {
			continue // a client that connected, or a line the harness did not attribute
		}
		out = append(out, e)
	}
	return out
}

// TestObservedClients holds explain to what real clients print: a pattern
// that claims to decide must name the cause the lab endpoint was built to
// show.
func TestObservedClients(t *testing.T) {
	var s corpusScore
	for _, e := range loadObserved(t) {
		where := fmt.Sprintf("%s line %d (%s)", observedFile, e.line, e.client)
		r := Explain(e.message)
		s.add(corpusEntry{Cause: e.cause, Message: e.message})
		if !r.Matched {
			continue
		}
		if r.Decided && r.Candidates[0].Cause != e.cause {
			t.Errorf("%s: pattern %s claims to decide %s, but the endpoint shows %s: %q", where, r.Pattern, r.Candidates[0].Cause, e.cause, e.message)
		}
	}
	t.Logf("observed: %v", s)
}
