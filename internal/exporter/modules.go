package exporter

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/tlsdoctor/tlsdoctor/fleet"
	"github.com/tlsdoctor/tlsdoctor/internal/service"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

// Module says how /probe checks a target, as a blackbox_exporter module
// does; the fields mean what the `tlsdoctor check` flags of the same names
// mean.
type Module struct {
	Profile       string        `yaml:"profile"`         // the client (default "default")
	CAFile        string        `yaml:"ca_file"`         // PEM CAs trusted besides the system store
	NoSystemRoots bool          `yaml:"no_system_roots"` // trust only ca_file
	Clients       bool          `yaml:"clients"`         // also every client: tlsdoctor_client_failing
	ServerName    string        `yaml:"servername"`      // SNI, Host and the name checked
	Timeout       time.Duration `yaml:"timeout"`         // of each phase (default 5s)
	NoHTTP        bool          `yaml:"no_http"`
	NoAIA         bool          `yaml:"no_aia"`

	cas []*x509.Certificate
}

// Modules are the modules by name.
type Modules map[string]*Module

// Names lists the module names, sorted.
func (m Modules) Names() []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// DefaultModules are the modules without a --modules file: "default" (the
// default client) and "clients" (the default client, and every client).
func DefaultModules() Modules {
	return Modules{"default": {Profile: "default"}, "clients": {Profile: "default", Clients: true}}
}

type file struct {
	Modules Modules `yaml:"modules"`
}

// LoadModules reads a modules file. A ca_file is relative to the file's
// directory; it is read once, here.
func LoadModules(path string) (Modules, error) {
	data, err := fleet.ReadLimited(path, 1<<20, "a modules file")
	if err != nil {
		return nil, err
	}
	return ParseModules(data, filepath.Dir(path))
}

// ParseModules parses a modules file's content; errors name the line and
// the module.
func ParseModules(data []byte, dir string) (Modules, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f file
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty: want a 'modules:' map")
		}
		return nil, err
	}
	if len(f.Modules) == 0 {
		return nil, errors.New("no modules: want 'modules:' with at least one module")
	}
	for name, m := range f.Modules {
		if m == nil {
			m = &Module{}
			f.Modules[name] = m
		}
		if err := m.check(dir); err != nil {
			return nil, fmt.Errorf("module %q: %w", name, err)
		}
	}
	return f.Modules, nil
}

func (m *Module) check(dir string) error {
	if m.Profile == "" {
		m.Profile = "default"
	}
	p, err := profile.Get(m.Profile)
	if err != nil {
		return fmt.Errorf("unknown profile %q (known: %s)", m.Profile, strings.Join(profile.IDs(), ", "))
	}
	if m.Timeout < 0 || m.Timeout > service.MaxTimeout {
		return fmt.Errorf("timeout %s: must be between 1ms and %s", m.Timeout, service.MaxTimeout)
	}
	if m.CAFile != "" {
		path := m.CAFile
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		if m.cas, err = fleet.LoadCertificates(path); err != nil {
			return fmt.Errorf("ca_file %s: %v", path, err)
		}
	}
	if m.NoSystemRoots && len(m.cas) == 0 && p.Trust == profile.TrustSystem {
		return errors.New("no_system_roots without a ca_file leaves no trusted CA")
	}
	return nil
}

// request is the check a module makes of target.
func (m *Module) request(target string, connect []string) service.Request {
	return service.Request{Target: target, Profile: m.Profile, Connect: connect, ServerName: m.ServerName, CAs: m.cas,
		NoSystemRoots: m.NoSystemRoots, Timeout: m.Timeout, NoHTTP: m.NoHTTP, NoAIA: m.NoAIA, Clients: m.Clients, Detail: m.Clients}
}
