package realclient_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/lab/realclient"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

var update = flag.Bool("update", false, "rewrite docs/conformance.md and explain/testdata/observed.jsonl from this run")

const (
	docFile       = "../../docs/conformance.md"
	observedFile  = "../../explain/testdata/observed.jsonl"
	disputedFile  = "../../explain/testdata/observed-disputed.jsonl"
	confirmedFile = "../../profile/confirmed.go"
)

// kind is why a reviewed disagreement stays.
type kind string

const (
	// ruleKind: the profile's data is right, but a rule of diagnose or
	// chain decides otherwise than the client; the rule is reported to be
	// fixed where it lives.
	ruleKind kind = "rule"
	// versionKind: the client here is another version than the one the
	// profile names; the profile's Checked.Differs says how they differ.
	versionKind kind = "version"
	// labKind: the lab endpoint does something besides the defect it is
	// built for, and the client stops at that; the endpoint is reported to
	// be fixed.
	labKind kind = "lab"
)

// known is a reviewed disagreement.
type known struct {
	kind   kind
	what   string // "verdict" or "log"
	reason string
}

// reviewed lists every disagreement between a real client and its profile
// that stays, each with its reason. The key is "client row"; client "*"
// stands for every client.
var reviewed = map[string]known{
	"go reneg-unsafe": {labKind, "verdict", "the lab's hand-built TLS 1.2 flight echoes the session ID of the ClientHello; Go refuses a " +
		"TLS 1.2 ServerHello that echoes the TLS 1.3 compatibility session ID it sent (\"server echoed TLS 1.3 compatibility " +
		"session ID in TLS 1.2\") before renegotiation comes into it"},
	"chromium reneg-unsafe": {labKind, "verdict", "as for Go: BoringSSL refuses the flight with SSL_R_SERVER_ECHOED_INVALID_SESSION_ID " +
		"(reason 286, seen in Chromium's net log), which Chromium reports as ERR_SSL_PROTOCOL_ERROR"},
	"* http-continue-loop": {labKind, "log", "the clients skip every 100 Continue, as RFC 9110 §15.2 requires, and when the " +
		"endpoint closes after a thousand of them (5 s) they report the close (\"Empty reply from server\", \"Remote end closed " +
		"connection without response\", ERR_EMPTY_RESPONSE), which the profiles predict for a server that answers nothing " +
		"(HTTP_NO_RESPONSE); tlsdoctor names what the server did, a reply with no final response"},
	"python-requests cn-only": {versionKind, "verdict", "Debian 12's python3-requests uses urllib3 1.26.12, which falls back to the " +
		"CN; the profile describes urllib3 2, which does not (python-requests Checked.Differs)"},
}

// disagreement says how a row disagrees: "" (it agrees), "verdict" or "log".
func disagreement(r *realclient.Row) string {
	if !r.VerdictAgrees() {
		return "verdict"
	}
	if r.LogAgreement() == realclient.LogDiffers {
		return "log"
	}
	return ""
}

// lookup finds the reviewed entry for a row, and its key.
func lookup(r *realclient.Row) (string, known, bool) {
	k := r.Client + " " + r.Row
	if e, ok := reviewed[k]; ok {
		return k, e, true
	}
	k = "* " + r.Row
	if e, ok := reviewed[k]; ok {
		return k, e, true
	}
	return "", known{}, false
}

// The conformance harness: every real client installed here against every
// lab endpoint, each beside the verdict of the profile that simulates it.
// Any disagreement that is not reviewed fails, and so does a reviewed one
// that no longer occurs.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every real client against the lab")
	}
	h := runHarness(t)
	if len(h.missing) > 0 {
		var m []string
		for id, progs := range h.missing {
			m = append(m, id+" (needs "+strings.Join(progs, ", ")+")")
		}
		sort.Strings(m)
		t.Logf("not installed, not checked: %s; .ci/run installs them", strings.Join(m, "; "))
	}
	t.Logf("%d clients against %d targets in %s", len(h.clients), len(h.targets), h.elapsed.Round(100e6))
	if t.Failed() {
		return
	}
	used := map[string]bool{}
	for i := range h.rows {
		r := &h.rows[i]
		dis := disagreement(r)
		if dis == "" {
			continue
		}
		if key, e, ok := lookup(r); ok && e.what == dis {
			used[key] = true
			continue
		}
		real := "works"
		if !r.Works {
			real = "fails: " + r.Message
		}
		t.Errorf("%s (%s) against %s: %s disagreement\n  real:      %s\n  profile %s: %s: %s\n  predicted log: %q",
			r.Client, r.Version, r.Row, dis, real, r.Profile, r.Verdict, r.Summary, r.Predicted)
	}
	ran := map[string]bool{}
	for _, c := range h.clients {
		ran[c.ID] = true
	}
	for key, e := range reviewed {
		client, _, _ := strings.Cut(key, " ")
		if !used[key] && (client == "*" || ran[client]) {
			t.Errorf("reviewed disagreement %q (%s, %s) no longer occurs: remove it", key, e.kind, e.what)
		}
	}
	if !*update {
		checkConfirmations(t, h)
	}

	doc := conformanceDoc(h)
	obs, disputed := observedCorpus(t, h)
	if *update {
		if len(h.missing) > 0 {
			t.Fatalf("-update needs every client installed; missing %v", h.missing)
		}
		if err := os.WriteFile(docFile, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(observedFile, []byte(obs), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(disputedFile, []byte(disputed), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(confirmedFile, confirmedGo(confirmed(h)), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if len(h.missing) > 0 {
		t.Log("some clients are missing: docs/conformance.md is not compared")
		return
	}
	old, err := os.ReadFile(docFile)
	if err != nil {
		t.Fatalf("%v (go test ./lab/realclient -run Conformance -update)", err)
	}
	if got, want := stable(doc), stable(string(old)); got != want {
		gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
		n := 0
		for i := range max(len(gl), len(wl)) {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w && n < 20 {
				t.Errorf("docs/conformance.md is out of date (go test ./lab/realclient -run Conformance -update, then review):\n  now: %s\n  doc: %s", g, w)
				n++
			}
		}
	}
}

// stable is the document without what a run may change without a
// disagreement: the part that names versions (the machine's packages
// decide it), and in the agreement tables the message and how it compares
// (a TLS 1.3 server's alert after the handshake reaches a client while it
// writes or while it reads, and the client words the two differently; the
// test holds each message to its profile's prediction).
func stable(doc string) string {
	var b strings.Builder
	skip, agreement := false, false
	for _, line := range strings.Split(doc, "\n") {
		switch {
		case strings.HasPrefix(line, "<!-- run-specific -->"):
			skip = true
		case strings.HasPrefix(line, "<!-- /run-specific -->"):
			skip = false
		case skip:
		case strings.HasPrefix(line, "## "):
			agreement = line == "## Agreement"
			b.WriteString(line + "\n")
		case agreement && strings.Contains(line, " pairs agree"):
			// how many agree moves with the racing messages above
		case agreement && strings.HasPrefix(line, "| "):
			cells := splitCells(line)
			if len(cells) > 4 { // "", endpoint, profile, real
				cells = cells[:4]
			}
			b.WriteString(strings.Join(cells, "|") + "\n")
		default:
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// splitCells splits a Markdown table row at the bars that are not escaped.
func splitCells(row string) []string {
	var cells []string
	start := 0
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			i++
		case '|':
			cells = append(cells, row[start:i])
			start = i + 1
		}
	}
	return append(cells, row[start:])
}

// endpointRule is the profile rule a lab endpoint puts to the test.
var endpointRule = map[string]string{
	"ok": "versions", "ok-rsa": "versions", "tls10-only": "versions",
	"cipher-mismatch": "cipher_suites", "group-mismatch": "groups",
	"sni-required": "sends_sni", "sni-default-cert": "sends_sni",
	"expired": "dates", "not-yet-valid": "dates", "inconsistent": "dates",
	"wrong-host": "checks_hostname", "cn-only": "cn_fallback",
	"chain-incomplete": "trust", "untrusted-root": "trust", "self-signed": "trust",
	"chain-incomplete-aia": "fetches_aia", "sha1": "reject_sha1", "rsa1024": "min_rsa_bits",
	"bad-eku": "key_usage", "leaf-is-ca": "basic_constraints", "key-mismatch": "signature",
	"small-key": "min_rsa_bits", "critical-ext": "critical_extensions", "chain-missing-upper": "trust",
	"chain-too-long": "max_intermediates", "dh-1024": "min_dh_bits", "reneg-unsafe": "require_secure_renegotiation",
	"huge-cert": "max_cert_message", "many-names": "max_cert_message",
}

// confirmed computes, per profile, the rules its clients confirmed: a rule
// is confirmed when every row of every endpoint that tests it agrees for
// every client of the profile; logs are confirmed by the endpoints where
// the predicted line was the real one.
func confirmed(h *harness) map[string]map[string][]string {
	bad := map[string]map[string]bool{} // profile -> rule -> some row disagreed
	eps := map[string]map[string][]string{}
	add := func(p, rule, ep string) {
		if eps[p] == nil {
			eps[p] = map[string][]string{}
		}
		if !slices.Contains(eps[p][rule], ep) {
			eps[p][rule] = append(eps[p][rule], ep)
		}
	}
	for i := range h.rows {
		r := &h.rows[i]
		if bad[r.Profile] == nil {
			bad[r.Profile] = map[string]bool{}
		}
		if _, e, ok := lookup(r); ok && e.kind == labKind {
			continue // the endpoint tests something else than it is built for
		}
		if rule, ok := endpointRule[r.Endpoint]; ok {
			if r.VerdictAgrees() {
				add(r.Profile, rule, r.Endpoint)
			} else {
				bad[r.Profile][rule] = true
			}
		}
		switch r.LogAgreement() {
		case realclient.LogAgrees:
			add(r.Profile, "logs", r.Endpoint)
		case realclient.LogDiffers:
			bad[r.Profile]["logs"] = true
		}
	}
	out := map[string]map[string][]string{}
	for p, rules := range eps {
		for rule, list := range rules {
			if bad[p][rule] {
				continue
			}
			if out[p] == nil {
				out[p] = map[string][]string{}
			}
			sort.Strings(list)
			out[p][rule] = list
		}
	}
	return out
}

// checkConfirmations holds each profile's Checked.Confirmed to this run:
// every rule it says a real client confirmed, this run confirmed.
func checkConfirmations(t *testing.T, h *harness) {
	got := confirmed(h)
	ran := map[string]bool{}
	for _, c := range h.clients {
		ran[c.Profile] = true
	}
	for _, p := range profile.All() {
		if !ran[p.ID] {
			continue
		}
		if p.Checked == nil {
			t.Errorf("profile %s: real clients ran here but the profile has no Checked record (profile/checked.go)", p.ID)
			continue
		}
		for _, r := range p.Checked.Confirmed {
			eps, ok := got[p.ID][r.Rule]
			switch {
			case !ok:
				t.Errorf("profile %s says a real client confirmed %s (%s); this run does not", p.ID, r.Rule, r.Basis)
			case r.Basis != "lab: "+strings.Join(eps, ", "):
				t.Errorf("profile %s: %s is confirmed by lab: %s now, not %s (-update rewrites profile/confirmed.go)", p.ID, r.Rule, strings.Join(eps, ", "), r.Basis)
			}
		}
		var listed []string
		for _, r := range p.Checked.Confirmed {
			listed = append(listed, r.Rule)
		}
		for rule := range got[p.ID] {
			if !slices.Contains(listed, rule) {
				t.Errorf("profile %s: this run confirms %s (lab: %s) but Checked.Confirmed does not list it", p.ID, rule, strings.Join(got[p.ID][rule], ", "))
			}
		}
	}
}

// confirmedGo is profile/confirmed.go for what a run confirmed.
func confirmedGo(got map[string]map[string][]string) []byte {
	var b strings.Builder
	b.WriteString("// Code generated by go test ./lab/realclient -run Conformance -update. DO NOT EDIT.\n\npackage profile\n\n")
	b.WriteString("// confirmedRules are the rules a real client confirmed here, per profile,\n// each with the lab endpoints that show it.\n")
	b.WriteString("var confirmedRules = map[string][]Rule{\n")
	var ids []string
	for id := range got {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		fmt.Fprintf(&b, "\t%q: {\n", id)
		var rules []string
		for r := range got[id] {
			rules = append(rules, r)
		}
		sort.Strings(rules)
		for _, r := range rules {
			fmt.Fprintf(&b, "\t\t{%q, %q},\n", r, "lab: "+strings.Join(got[id][r], ", "))
		}
		b.WriteString("\t},\n")
	}
	b.WriteString("}\n")
	out, err := format.Source([]byte(b.String()))
	if err != nil {
		panic(err)
	}
	return out
}

// observedEntry is one line of explain/testdata/observed.jsonl: a message a
// real client printed here, with the cause the lab built the endpoint to
// fail with. The fields are those of corpus.jsonl, and the client's.
type observedEntry struct {
	ID            string     `json:"id"`
	Stack         string     `json:"stack"`
	Cause         cause.Code `json:"cause"`
	Source        string     `json:"source"`
	Note          string     `json:"note"`
	Message       string     `json:"message"`
	Client        string     `json:"client"`
	ClientVersion string     `json:"client_version"`
	Endpoint      string     `json:"endpoint"`
}

// trueCause is the cause the lab built a row's endpoint to fail with; where
// a client stops at something else first, the cause of that.
func trueCause(h *harness, r *realclient.Row) cause.Code {
	e := h.lab.Endpoint(r.Endpoint)
	switch {
	case r.Row == "inconsistent@127.0.0.2":
		return cause.CertExpired // this node serves last year's certificate
	}
	return e.Want
}

// observedCorpus is explain/testdata/observed.jsonl, and apart from it the
// messages that a pattern claiming to decide gets wrong (explain's tests
// fail on those; they move into the corpus as the patterns are fixed).
func observedCorpus(t *testing.T, h *harness) (corpus, disputed string) {
	decides := decidingPatterns()
	stacks := map[string]string{}
	for _, c := range h.clients {
		stacks[c.ID] = c.Stack
	}
	var b, d strings.Builder
	for i := range h.rows {
		r := &h.rows[i]
		if r.Works || !r.Own || r.Message == "" || r.WentOn() {
			continue
		}
		if _, k, ok := lookup(r); ok && k.kind == labKind {
			continue // the client stopped at something the endpoint was not built for
		}
		if trueCause(h, r) == cause.OK {
			continue
		}
		e := h.lab.Endpoint(r.Endpoint)
		line, err := json.Marshal(observedEntry{
			ID: "observed/" + r.Client + "/" + r.Row, Stack: stacks[r.Client], Cause: trueCause(h, r),
			Source:  fmt.Sprintf("observed: %s %s against lab endpoint %s", r.Client, r.Version, r.Row),
			Note:    "lab endpoint " + r.Endpoint + ": " + e.Description,
			Message: r.Message, Client: r.Client, ClientVersion: r.Version, Endpoint: r.Row,
		})
		if err != nil {
			t.Fatal(err)
		}
		var oe observedEntry
		json.Unmarshal(line, &oe)
		if gap := explainGap(oe, decides); strings.Contains(gap, "decide") {
			d.Write(line)
			d.WriteByte('\n')
			continue
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String(), d.String()
}
