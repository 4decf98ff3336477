package realclient_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/explain"
)

func loadObserved(t *testing.T) []observedEntry {
	t.Helper()
	return append(loadObservedFile(t, observedFile), loadObservedFile(t, disputedFile)...)
}

func loadObservedFile(t *testing.T, file string) []observedEntry {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatalf("%v (go test ./lab/realclient -run Conformance -update writes it)", err)
	}
	defer f.Close()
	var out []observedEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		var e observedEntry
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			t.Fatalf("%s line %d: %v", file, n, err)
		}
		if e.ID == "" || e.Message == "" || !e.Cause.Known() || e.Client == "" || e.ClientVersion == "" || e.Endpoint == "" ||
			!strings.HasPrefix(e.Source, "observed: ") {
			t.Errorf("%s line %d: id, message, a known cause, client, version, endpoint and an observed: source are required", file, n)
		}
		if _, ok := explain.StackOf(e.Stack); !ok {
			t.Errorf("%s line %d: unknown stack %q", file, n, e.Stack)
		}
		out = append(out, e)
	}
	return out
}

// decidingPatterns maps each pattern that claims to decide to its cause.
func decidingPatterns() map[string]cause.Code {
	decides := map[string]cause.Code{}
	for _, p := range explain.Patterns() {
		if p.Decides && len(p.Causes) > 0 {
			decides[p.ID] = p.Causes[0]
		}
	}
	return decides
}

// explainGap says what explain gets wrong about an observed message, or "".
func explainGap(e observedEntry, decides map[string]cause.Code) string {
	r := explain.Explain(e.Message)
	if !r.Matched {
		return "not recognised"
	}
	if r.Decided && r.Causes()[0] != e.Cause {
		return fmt.Sprintf("%s decides %s", r.Pattern, r.Causes()[0])
	}
	for _, id := range r.Patterns {
		if c, ok := decides[id]; ok && c != e.Cause {
			return fmt.Sprintf("pattern %s claims to decide %s", id, c)
		}
	}
	if r.Rank(e.Cause) == 0 {
		return fmt.Sprintf("%s is not among the candidates %v of %s", e.Cause, r.Causes(), r.Pattern)
	}
	return ""
}

// Every message a real client printed here, explained: the cause the lab
// built the endpoint to fail with is among the candidates, and every
// pattern that matches and claims to decide names that cause.
func TestObservedMessagesExplained(t *testing.T) {
	entries := loadObserved(t)
	if len(entries) < 100 {
		t.Errorf("%s holds %d messages; a run of every client gives several hundred", observedFile, len(entries))
	}
	decides := decidingPatterns()
	var gaps []string
	seen := map[string]bool{}
	for _, e := range entries {
		if seen[e.ID] {
			t.Errorf("%s: duplicate id", e.ID)
		}
		seen[e.ID] = true
		gap := explainGap(e, decides)
		if gap == "" {
			if _, ok := knownExplainGaps[e.ID]; ok {
				t.Logf("%s: explained now; remove it from knownExplainGaps", e.ID)
			}
			continue
		}
		gaps = append(gaps, fmt.Sprintf("%s (%s): %s: %q", e.ID, e.Cause, gap, e.Message))
		if _, ok := knownExplainGaps[e.ID]; !ok {
			t.Errorf("%s: %s: %s\n  message: %s", e.ID, e.Cause, gap, e.Message)
		}
	}
	sort.Strings(gaps)
	t.Logf("%d observed messages, %d known explain gaps", len(entries), len(gaps))
	if testing.Verbose() {
		for _, g := range gaps {
			t.Log(g)
		}
	}
}
