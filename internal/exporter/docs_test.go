package exporter

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tlsdoctor/tlsdoctor/lab/pki"
)

// docs/prometheus holds a scrape configuration, alert rules with their
// unit tests, and a modules file; promtool checks the first three.
const docsDir = "../../docs/prometheus"

func copyDocs(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(docsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(docsDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644)
	}
	// What the files refer to and a reader supplies.
	os.WriteFile(filepath.Join(dir, "tlsdoctor.token"), []byte("0123456789abcdef0123456789abcdef\n"), 0o600)
	root, _ := pki.NewRoot(pki.Spec{CN: "Corp CA"})
	os.WriteFile(filepath.Join(dir, "corp-ca.pem"), pki.PEM(root.Cert), 0o644)
	return dir
}

func TestDocsModulesFile(t *testing.T) {
	dir := copyDocs(t)
	m, err := LoadModules(filepath.Join(dir, "modules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"default", "clients"} {
		if m[name] == nil {
			t.Errorf("the example modules lack %q, which the scrape configuration uses", name)
		}
	}
}

func TestDocsPromtool(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool is not installed (Debian package prometheus; .ci/run installs it): the Prometheus configuration and rules are not checked")
	}
	dir := copyDocs(t)
	for _, args := range [][]string{
		{"check", "config", "prometheus.yml"},
		{"check", "rules", "tlsdoctor-rules.yml"},
		{"test", "rules", "tlsdoctor-rules.test.yml"},
	} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %v: %v\n%s", args, err, out)
		}
	}
}
