package inventory

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/tlsdoctor/tlsdoctor/probe"
	"github.com/tlsdoctor/tlsdoctor/profile"
)

// MaxLine is the longest target line read; longer lines are reported and
// skipped.
const MaxLine = 4096

// maxLeadingBad is how many bad lines may come before the first target
// before the input is judged not to be a target file at all.
const maxLeadingBad = 1000

// ErrNotTargets is returned for input that is not a target file: binary
// data, or a long run of lines none of which is a target.
var ErrNotTargets = errors.New("not a target file")

// ReadTargets reads a target file line by line and calls fn for each
// target, in order. A line is
//
//	TARGET [profile=ID] [connect=ADDR[,ADDR]] [ca=FILE] [servername=NAME]
//
// with # starting a comment. name is the file's name in positions ("-" for
// standard input); a relative ca= FILE is taken relative to the file's
// directory. A bad line is passed to warn and skipped. The error is non-nil
// when the input cannot be read, is not a target file (wrapping
// ErrNotTargets), or fn returns one (which stops the reading).
func ReadTargets(r io.Reader, name string, fn func(Target) error, warn func(Warning)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	dir := ""
	if name != "-" && name != "" {
		dir = filepath.Dir(name)
	}
	lineNo, good, leadingBad := 0, 0, 0
	bad := func(msg string) {
		warn(Warning{Source: Source{File: name, Line: lineNo}, Message: msg})
		if good == 0 {
			leadingBad++
		}
	}
	for {
		line, tooLong, err := readLine(br)
		if len(line) == 0 && !tooLong && err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		lineNo++
		switch {
		case bytes.IndexByte(line, 0) >= 0:
			return fmt.Errorf("%s:%d: binary data (a NUL byte): %w", name, lineNo, ErrNotTargets)
		case tooLong:
			bad(fmt.Sprintf("line longer than %d bytes, skipped", MaxLine))
		case !utf8.Valid(line):
			bad("not UTF-8 text, skipped")
		default:
			t, ok, msg := parseLine(string(line), dir)
			if msg != "" {
				bad(msg)
				break
			}
			if !ok {
				break
			}
			t.Source = Source{File: name, Line: lineNo}
			good++
			if err := fn(t); err != nil {
				return err
			}
		}
		if good == 0 && leadingBad >= maxLeadingBad {
			return fmt.Errorf("%s: the first %d lines hold no target: %w", name, lineNo, ErrNotTargets)
		}
	}
}

// readLine reads one line without its end; a line longer than MaxLine is
// consumed whole and reported as too long (with no content).
func readLine(br *bufio.Reader) (line []byte, tooLong bool, err error) {
	for {
		chunk, isPrefix, err := br.ReadLine()
		if !tooLong {
			if len(line)+len(chunk) > MaxLine {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if err != nil || !isPrefix {
			return line, tooLong, err
		}
	}
}

// parseLine parses one line; ok is false for blank and comment lines, msg
// says what is wrong with a bad one.
func parseLine(line, dir string) (t Target, ok bool, msg string) {
	if i := commentStart(line); i >= 0 {
		line = line[:i]
	}
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return t, false, ""
	}
	if _, err := probe.ParseTarget(fields[0]); err != nil {
		var te *probe.TargetError
		if errors.As(err, &te) {
			return t, false, fmt.Sprintf("bad target %q: %s", fields[0], te.Reason)
		}
		return t, false, err.Error()
	}
	t.Input = fields[0]
	for _, f := range fields[1:] {
		k, v, found := strings.Cut(f, "=")
		if !found || v == "" {
			return t, false, fmt.Sprintf("%q: options are KEY=VALUE (profile=, connect=, ca=, servername=)", f)
		}
		switch k {
		case "profile":
			if _, err := profile.Get(v); err != nil {
				return t, false, fmt.Sprintf("unknown profile %q ('tlsdoctor profiles' lists them)", v)
			}
			t.Profile = v
		case "connect":
			for _, a := range strings.Split(v, ",") {
				if a = strings.TrimSpace(a); a != "" {
					t.Connect = append(t.Connect, a)
				}
			}
		case "ca":
			if dir != "" && !filepath.IsAbs(v) {
				v = filepath.Join(dir, v)
			}
			t.CAFiles = append(t.CAFiles, v)
		case "servername":
			t.ServerName = strings.ToLower(v)
		default:
			return t, false, fmt.Sprintf("unknown option %q (profile=, connect=, ca=, servername=)", k)
		}
	}
	return t, true, ""
}

// commentStart is the index of a # that starts a comment: at the start of
// the line or after white space (a # inside a URL is not one).
func commentStart(line string) int {
	for i := 0; i < len(line); i++ {
		if line[i] == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			return i
		}
	}
	return -1
}
