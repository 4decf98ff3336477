package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/profile"
	"github.com/tlsdoctor/tlsdoctor/report"
)

// catalogSchema is the schema_version of the causes, rules, profiles and
// version documents.
const catalogSchema = 1

func (e *env) causes(args []string) int {
	const help = `Usage: tlsdoctor causes [--json]

Lists the stable cause codes a diagnosis names, and marks those no rule of
check produces yet. 'tlsdoctor rules' lists how each is decided.

Examples:
  tlsdoctor causes
  tlsdoctor causes --json | jq -r '.causes[] | select(.layer == "certificate") | .code'

Exit status: 0; 2 usage error.
`
	fs := newFlags("causes")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, code, ok := e.parse(fs, help, args); !ok {
		return code
	}
	if *asJSON {
		report.JSON(e.stdout, map[string]any{"schema_version": catalogSchema, "causes": report.CauseCatalog()})
	} else {
		report.Causes(e.stdout)
	}
	return ExitOK
}

func (e *env) rules(args []string) int {
	const help = `Usage: tlsdoctor rules [--json]

Lists the rules a diagnosis is decided by: for each, the cause, whether it
proves it or only infers it, who has to fix it, the observation it rests on,
and, for an inferred rule, what would decide. Every verdict names its rule.

Examples:
  tlsdoctor rules
  tlsdoctor rules --json | jq '.rules[] | select(.confidence == "inferred")'

Exit status: 0; 2 usage error.
`
	fs := newFlags("rules")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, code, ok := e.parse(fs, help, args); !ok {
		return code
	}
	if *asJSON {
		report.JSON(e.stdout, map[string]any{"schema_version": catalogSchema, "rules": diagnose.Rules()})
	} else {
		report.Rules(e.stdout)
	}
	return ExitOK
}

func (e *env) profiles(args []string) int {
	const help = `Usage: tlsdoctor profiles [--json]

Lists the client profiles a check can be made for (--profile ID), with what
each offers and how it judges certificates.

Examples:
  tlsdoctor profiles
  tlsdoctor profiles --json | jq '.profiles[] | select(.id == "java-8")'
  tlsdoctor check https://backend.internal:8443 --profile java-8

Exit status: 0; 2 usage error.
`
	fs := newFlags("profiles")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, code, ok := e.parse(fs, help, args); !ok {
		return code
	}
	if *asJSON {
		report.JSON(e.stdout, map[string]any{"schema_version": catalogSchema, "profiles": profile.All()})
		return ExitOK
	}
	for _, p := range profile.All() {
		fmt.Fprintf(e.stdout, "%-27s %s\n", p.ID, p.Name)
		sni := "sends SNI"
		if !p.SendsSNI {
			sni = "no SNI"
		}
		fmt.Fprintf(e.stdout, "%-27s %s; %s; trust: %s\n", "", p.VersionNames(), sni, p.Trust)
	}
	return ExitOK
}

// buildInfo is what the binary knows of its build.
type buildInfo struct {
	SchemaVersion int    `json:"schema_version"`
	Version       string `json:"version"`
	Go            string `json:"go,omitempty"`
	Revision      string `json:"revision,omitempty"`
	Time          string `json:"time,omitempty"`
	Modified      bool   `json:"modified,omitempty"`
	Module        string `json:"module_version,omitempty"`
}

func readBuildInfo() buildInfo {
	b := buildInfo{SchemaVersion: catalogSchema, Version: Version}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	b.Go = bi.GoVersion
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		b.Module = v
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

func (e *env) version(args []string) int {
	fs := newFlags("version")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, code, ok := e.parse(fs, "Usage: tlsdoctor version [--json]\n\nPrints the version and what the binary knows of its build (commit, time, Go).\n\nExamples:\n  tlsdoctor version\n  tlsdoctor version --json\n\nExit status: 0; 2 usage error.\n", args); !ok {
		return code
	}
	b := readBuildInfo()
	if *asJSON {
		report.JSON(e.stdout, b)
		return ExitOK
	}
	fmt.Fprintf(e.stdout, "tlsdoctor %s\n", b.Version)
	if b.Revision != "" {
		mod := ""
		if b.Modified {
			mod = " (modified)"
		}
		fmt.Fprintf(e.stdout, "commit %s%s, %s\n", b.Revision, mod, b.Time)
	}
	if b.Module != "" {
		fmt.Fprintf(e.stdout, "module %s\n", b.Module)
	}
	if b.Go != "" {
		fmt.Fprintf(e.stdout, "built with %s\n", b.Go)
	}
	return ExitOK
}
