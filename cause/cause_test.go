package cause

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var codeRow = regexp.MustCompile(`^\| ([A-Z_]+) \| ([^|]*) \| ([^|]*) \| ([^|]*) \|$`)

// readCausesMD parses the table of a causes.md file into Info rows.
func readCausesMD(t *testing.T, path string) []Info {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []Info
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := codeRow.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		rows = append(rows, Info{Code: Code(m[1]), Layer: strings.TrimSpace(m[2]), Summary: strings.TrimSpace(m[3]), Fix: strings.TrimSpace(m[4])})
	}
	if len(rows) == 0 {
		t.Fatalf("%s: no code rows found", path)
	}
	return rows
}

func TestCatalogMatchesCausesMD(t *testing.T) {
	paths := []string{filepath.Join("..", "docs", "causes.md")}
	// The team's shared copy sits beside the repository in development and CI.
	if _, err := os.Stat(filepath.Join("..", "..", "shared", "causes.md")); err == nil {
		paths = append(paths, filepath.Join("..", "..", "shared", "causes.md"))
	} else {
		t.Log("../shared/causes.md not present; checking docs/causes.md only")
	}
	for _, p := range paths {
		rows := readCausesMD(t, p)
		// Every code in causes.md must be in the catalog with the same text;
		// the catalog may only be longer (append-only), never drop a code.
		for i, r := range rows {
			got, ok := Lookup(r.Code)
			if !ok {
				t.Errorf("%s: code %s missing from the catalog", p, r.Code)
				continue
			}
			if got != r {
				t.Errorf("%s: %s differs:\n got %+v\nwant %+v", p, r.Code, got, r)
			}
			if i < len(catalog) && catalog[i].Code != r.Code {
				t.Errorf("%s: order differs at %d: catalog %s, file %s (append only)", p, i, catalog[i].Code, r.Code)
			}
		}
		if len(rows) > len(catalog) {
			t.Errorf("%s has %d codes, catalog %d", p, len(rows), len(catalog))
		}
	}
}

func TestCodesUniqueAndWellFormed(t *testing.T) {
	seen := map[Code]bool{}
	re := regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	for _, in := range All() {
		if seen[in.Code] {
			t.Errorf("duplicate code %s", in.Code)
		}
		seen[in.Code] = true
		if !re.MatchString(string(in.Code)) {
			t.Errorf("malformed code %q", in.Code)
		}
		if in.Summary == "" || in.Fix == "" || in.Layer == "" {
			t.Errorf("%s: empty metadata", in.Code)
		}
	}
	if !OK.Known() || OK.Failed() || !ChainIncomplete.Failed() || Code("NOPE").Known() {
		t.Error("Known/Failed misbehave")
	}
}
