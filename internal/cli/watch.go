package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tlsdoctor/tlsdoctor/cause"
	"github.com/tlsdoctor/tlsdoctor/diagnose"
	"github.com/tlsdoctor/tlsdoctor/evidence"
	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
	"github.com/tlsdoctor/tlsdoctor/report"
)

// watchLine is one line of check --watch --json: a check that changed
// something (or the first), then a last line that says why it stopped.
type watchLine struct {
	Check     int                 `json:"check"`
	Time      time.Time           `json:"time"`
	Changes   *report.TargetDiff  `json:"changes,omitempty"`
	Diagnosis *diagnose.Diagnosis `json:"diagnosis,omitempty"`
	Done      string              `json:"done,omitempty"` // changed, expected, max-tries, interrupted
	Cause     cause.Code          `json:"cause,omitempty"`
}

// watchCheck re-checks target every f.watch until the cause changes from
// the first check's (with expect: until it is one of the expected codes),
// at most f.maxTries checks, printing each change. Ctrl-C (ctx) stops it.
func (e *env) watchCheck(ctx context.Context, target evidence.Target, opts probe.Options, p *profile.Profile, f *checkFlags, args []string, expect []cause.Code) int {
	check := func() (*evidence.Run, *diagnose.Diagnosis, int) { return e.checkOnce(ctx, target, opts, p, f) }
	run, d, code := check()
	if code != 0 {
		return code
	}
	first := d
	done := func(d *diagnose.Diagnosis) string {
		switch {
		case len(expect) > 0 && slices.Contains(expect, d.Cause):
			return "expected"
		case len(expect) == 0 && d.Cause != first.Cause:
			return "changed"
		}
		return ""
	}
	color := colorOK(e.stdout)
	style := report.Style{Color: color}
	emit := func(l watchLine) {
		b, _ := json.Marshal(l)
		fmt.Fprintf(e.stdout, "%s\n", b)
	}
	started := time.Now()
	if f.json {
		emit(watchLine{Check: 1, Time: started.UTC(), Diagnosis: d})
	} else {
		report.Text(e.stdout, d, report.Style{Color: color, Verbose: f.verbose})
	}
	until := "until the cause changes from " + string(first.Cause)
	if len(expect) > 0 {
		var names []string
		for _, c := range expect {
			names = append(names, string(c))
		}
		until = "until the cause is " + strings.Join(names, " or ")
	}
	reason := done(d)
	if !f.json && reason == "expected" {
		fmt.Fprintf(e.stdout, "\nThe cause is already %s, as expected: nothing to watch.\n", d.Cause)
	}
	if !f.json && reason == "" {
		fmt.Fprintf(e.stdout, "\nWatching: a check every %s %s (at most %d checks; Ctrl-C stops).\n", f.watch, until, f.maxTries)
	}
	progress := e.progress()
	checks, last := 1, started
	prev, prevRun := d, run
	for reason == "" {
		if checks >= f.maxTries {
			reason = "max-tries"
			break
		}
		wait := time.Until(last.Add(f.watch))
		if progress != nil {
			progress("check %d: %s at %s; next in %s (Ctrl-C stops)", checks, prev.Cause, last.Format("15:04:05"), wait.Round(time.Second))
		}
		select {
		case <-ctx.Done():
			reason = "interrupted"
		case <-time.After(wait):
		}
		if reason != "" {
			break
		}
		last = time.Now()
		run, d, code = check()
		if code != 0 {
			return code
		}
		if ctx.Err() != nil {
			// Interrupted during the check: its verdict is not the server's.
			reason, d, run = "interrupted", prev, prevRun
			break
		}
		checks++
		td := report.CompareDiagnoses(prev, d)
		if td.Status == "changed" {
			if f.json {
				emit(watchLine{Check: checks, Time: last.UTC(), Changes: &td, Diagnosis: d})
			} else {
				e.progressDone()
				report.WriteTargetDiff(e.stdout, style, td, last.Format("15:04:05")+"  ")
			}
		}
		prev, prevRun = d, run
		reason = done(d)
	}
	e.progressDone()
	elapsed := time.Since(started).Round(time.Second)
	if f.json {
		emit(watchLine{Check: checks, Time: time.Now().UTC(), Done: reason, Cause: d.Cause})
	} else {
		switch reason {
		case "changed", "expected":
			if checks > 1 {
				fmt.Fprintf(e.stdout, "\nThe cause is %s after %s (%s):\n\n", d.Cause, plural(checks, "check", "checks"), elapsed)
				report.Text(e.stdout, d, report.Style{Color: color, Verbose: f.verbose})
			}
		case "max-tries":
			fmt.Fprintf(e.stdout, "\nNo change of cause after %s (%s): still %s.\n", plural(checks, "check", "checks"), elapsed, d.Cause)
		case "interrupted":
			fmt.Fprintf(e.stdout, "\nStopped after %s (%s): %s.\n", plural(checks, "check", "checks"), elapsed, d.Cause)
		}
	}
	if code := e.keep(f, run, d); code != 0 {
		return code
	}
	if len(expect) > 0 {
		return expectStatus(d, expect)
	}
	if d.Cause.Failed() {
		return ExitFailure
	}
	return ExitOK
}
