package tlsdoctor_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

type pkg struct {
	ImportPath string
	Name       string
	Doc        string
	Imports    []string
	Deps       []string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

const mod = "github.com/tlsdoctor/tlsdoctor"

// The fences of docs/architecture.md: judgement packages do no I/O, only
// probe (and the lab's servers) touch sockets, nothing imports the CLI.
func TestImportFences(t *testing.T) {
	pure := map[string]bool{"cause": true, "evidence": true, "wire": true, "signature": true, "chain": true, "diagnose": true, "report": true, "profile": true, "explain": true, "intercept": true}
	for _, p := range listPackages(t) {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, mod), "/")
		for _, imp := range p.Imports {
			if imp == mod+"/internal/cli" && rel != "cmd/tlsdoctor" {
				t.Errorf("%s imports internal/cli; only cmd/tlsdoctor may", rel)
			}
			if imp == "flag" && rel != "internal/cli" {
				t.Errorf("%s imports flag; only internal/cli parses flags", rel)
			}
			if pure[rel] && (imp == "net" || imp == "os/exec" || imp == "net/http" || imp == "os") {
				t.Errorf("%s imports %s; it must do no I/O", rel, imp)
			}
			if pure[rel] && strings.HasPrefix(imp, mod+"/") && (strings.HasSuffix(imp, "/probe") || strings.Contains(imp, "/lab")) {
				t.Errorf("%s imports %s", rel, imp)
			}
		}
		if pure[rel] {
			for _, d := range p.Deps {
				if d == "net/http" {
					t.Errorf("%s depends on net/http", rel)
				}
			}
		}
		for _, d := range p.Deps {
			if strings.HasPrefix(d, "github.com/prometheus/") && rel != "internal/exporter" && rel != "internal/cli" && rel != "cmd/tlsdoctor" {
				t.Errorf("%s depends on %s; the Prometheus client belongs to internal/exporter", rel, d)
			}
		}
		if rel == "internal/addrpolicy" {
			for _, imp := range p.Imports {
				if strings.HasPrefix(imp, mod+"/") {
					t.Errorf("addrpolicy imports %s; the address policy stands alone", imp)
				}
			}
		}
		if rel == "explain" {
			for _, imp := range p.Imports {
				if strings.HasPrefix(imp, mod+"/") && imp != mod+"/cause" {
					t.Errorf("explain imports %s; the message catalog depends on the cause catalog alone", imp)
				}
			}
		}
		if rel == "signature" {
			for _, imp := range p.Imports {
				if strings.HasPrefix(imp, mod) {
					t.Errorf("signature imports %s; it must import nothing of the project", imp)
				}
			}
		}
		if rel == "cause" {
			for _, imp := range p.Imports {
				if strings.HasPrefix(imp, mod) {
					t.Errorf("cause imports %s; it must import nothing of the project", imp)
				}
			}
		}
	}
}

func TestEveryPackageHasADocComment(t *testing.T) {
	for _, p := range listPackages(t) {
		if !strings.HasPrefix(p.Doc, "Package "+p.Name) && !strings.HasPrefix(p.Doc, "Command ") {
			t.Errorf("%s: doc comment must start \"Package %s\" (got %q)", p.ImportPath, p.Name, p.Doc)
		}
	}
}
