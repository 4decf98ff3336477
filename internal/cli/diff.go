package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/fleet"
	"github.com/tlsdoctor/tlsdoctor/profile"
	"github.com/tlsdoctor/tlsdoctor/report"
)

const diffHelp = `Usage: tlsdoctor diff BEFORE AFTER [--json] [-v]

Says what changed between two checks: the cause, and per address the cause,
the TLS version and cipher suite, the HTTP status, the certificates (serial,
dates, names, key, issuer, which were sent and which fetched), what the
server accepts (when both were made with --server) and, for check --clients,
the verdict of every client. Run it on the checks before and after a fix, a
deployment or a certificate renewal.

BEFORE and AFTER are each one of:
  a run saved with check --save (diagnosed again here, offline);
  a check --json document (also check --clients --json);
  newline-delimited check --json documents, one per target (a scan's output,
  whose lines for targets it could not check read as the cause ERROR):
  targets are paired by target and client, and those in only one file are
  listed as added or removed.

Examples:
  tlsdoctor check https://api.example.com --save before.json
  # ... renew the certificate, reload the server ...
  tlsdoctor check https://api.example.com --save after.json
  tlsdoctor diff before.json after.json
  tlsdoctor check https://api.example.com --clients --json > clients-after.json
  tlsdoctor diff clients-before.json clients-after.json --json | jq '.targets[].clients'
  tlsdoctor diff scan-monday.ndjson scan-tuesday.ndjson

Exit status: 0 nothing changed; 1 something changed; 2 usage or input error.
`

func (e *env) diffCmd(ctx context.Context, args []string) int {
	fs := newFlags("diff")
	asJSON := fs.Bool("json", false, "print the differences as JSON")
	verbose := fs.Bool("v", false, "list the unchanged targets too")
	pos, code, ok := e.parse(fs, diffHelp, args)
	if !ok {
		return code
	}
	if len(pos) != 2 {
		return e.fail(ExitUsage, "tlsdoctor diff before.json after.json", "diff takes two files, got %d", len(pos))
	}
	var sides [2][]report.Entry
	for i, file := range pos {
		entries, err := readEntries(file)
		if err != nil {
			return e.fail(ExitUsage, "the files are written by 'tlsdoctor check --save FILE' or 'tlsdoctor check --json', or are a scan's output", "%s: %v", file, err)
		}
		sides[i] = entries
	}
	d := report.Compare(pos[0], sides[0], pos[1], sides[1])
	if *asJSON {
		report.JSON(e.stdout, d)
	} else {
		report.DiffText(e.stdout, d, report.Style{Color: colorOK(e.stdout), Verbose: *verbose})
	}
	if d.Changed > 0 {
		return ExitFailure
	}
	return ExitOK
}

// readEntries reads the verdicts of a file: saved runs (diagnosed here),
// diagnoses and client matrices, one JSON document, an array of them, or
// one per line.
func readEntries(file string) ([]report.Entry, error) {
	data, err := fleet.ReadLimited(file, 256<<20, "a tlsdoctor document")
	if err != nil {
		return nil, err
	}
	var entries []report.Entry
	dec := json.NewDecoder(bytes.NewReader(data))
	for n := 1; ; n++ {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("document %d is not JSON (%v)", n, err)
		}
		var docs []json.RawMessage
		if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
			if err := json.Unmarshal(raw, &docs); err != nil {
				return nil, fmt.Errorf("document %d: %v", n, err)
			}
		} else {
			docs = []json.RawMessage{raw}
		}
		for _, doc := range docs {
			e, err := entryOf(doc)
			if err != nil {
				return nil, fmt.Errorf("document %d: %v", n, err)
			}
			if e.Diagnosis != nil || e.Clients != nil {
				entries = append(entries, e)
			}
		}
	}
	if len(entries) == 0 {
		return nil, errors.New("no tlsdoctor document in it")
	}
	return entries, nil
}

// entryOf tells a saved run, a diagnosis and a client matrix apart by
// their fields.
func entryOf(doc json.RawMessage) (report.Entry, error) {
	var probe struct {
		SchemaVersion int             `json:"schema_version"`
		Tool          *string         `json:"tool"`
		Target        json.RawMessage `json:"target"`
		Cause         *string         `json:"cause"`
		Clients       json.RawMessage `json:"clients"`
		Diagnosis     json.RawMessage `json:"diagnosis"` // a demo row or a check --watch --json line
		Done          *string         `json:"done"`      // the last line of check --watch --json
		Error         string          `json:"error"`     // a scan's line for a target it could not check
	}
	if err := json.Unmarshal(doc, &probe); err != nil {
		return report.Entry{}, fmt.Errorf("not a tlsdoctor document (%v)", err)
	}
	switch {
	case probe.Done != nil:
		return report.Entry{}, nil
	case len(probe.Target) > 0 && probe.Target[0] == '{' && probe.Tool != nil:
		var run evidence.Run
		if err := json.Unmarshal(doc, &run); err != nil {
			return report.Entry{}, fmt.Errorf("not a tlsdoctor run (%v)", err)
		}
		if run.SchemaVersion != evidence.SchemaVersion {
			return report.Entry{}, fmt.Errorf("a run of schema_version %d; this tlsdoctor reads %d", run.SchemaVersion, evidence.SchemaVersion)
		}
		p, err := profile.Get(run.Profile)
		if err != nil {
			return report.Entry{}, err
		}
		return report.Entry{Diagnosis: fleet.Diagnose(&run, p, fleet.SystemTrust)}, nil
	case probe.Cause != nil:
		var d diagnose.Diagnosis
		if err := json.Unmarshal(doc, &d); err != nil {
			return report.Entry{}, fmt.Errorf("not a tlsdoctor diagnosis (%v)", err)
		}
		// Older documents differ only by fields added since.
		if d.SchemaVersion < 1 || d.SchemaVersion > diagnose.SchemaVersion {
			return report.Entry{}, fmt.Errorf("a diagnosis of schema_version %d; this tlsdoctor reads 1 to %d", d.SchemaVersion, diagnose.SchemaVersion)
		}
		if d.Summary == "" {
			d.Summary = probe.Error
		}
		return report.Entry{Diagnosis: &d}, nil
	case len(probe.Clients) > 0:
		var m diagnose.ClientMatrix
		if err := json.Unmarshal(doc, &m); err != nil {
			return report.Entry{}, fmt.Errorf("not a tlsdoctor client matrix (%v)", err)
		}
		return report.Entry{Clients: &m}, nil
	case len(probe.Diagnosis) > 0 && probe.Diagnosis[0] == '{':
		return entryOf(probe.Diagnosis)
	}
	return report.Entry{}, errors.New("not a tlsdoctor run, diagnosis or client matrix")
}
