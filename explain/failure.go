package explain

// A healthy line names the same things a failure does: "sni=api.example.com",
// "mTLS client verified", "notAfter=2027-01-30", "TLS handshake timeout 10s".
// Such words say what a message is about, not that something failed, so a
// pattern's topic alternatives (Pattern.Topic) count only in a record that
// states a failure elsewhere: one of the words below, as a word of its own
// ("failed", "handshake_failure", "SSLHandshakeException"), outside the
// topic's own match, and not denied ("no errors", "err=<nil>",
// "failures: 0").

// failWords are the words and phrases that state a failure, by first
// letter. Words such as "required", "disabled", "unsupported" or "not
// supported" are left out: configuration lines use them ("client
// certificate required", "TLS 1.0 disabled", "Secure Renegotiation IS NOT
// supported").
var failWords = func() [256][]string {
	var t [256][]string
	for _, w := range []string{
		"fail", "fails", "failed", "failing", "failure", "failures",
		"error", "errors", "refuse", "refused", "refuses", "refusing", "refusal",
		"reject", "rejects", "rejected", "rejecting", "rejection", "invalid", "unable",
		"alert", "alerts", "denied", "expired", "mismatch", "mismatched", "mismatches",
		"timeout", "timeouts", "timed out", "reset", "abort", "aborts", "aborted", "aborting",
		"cannot", "can't", "could not", "couldn't", "exception", "exceptions", "fatal",
		"panic", "panicked", "untrusted", "not trusted", "violation", "violations",
		"unexpected", "unexpectedly", "wrong", "broken", "missing", "problem", "problems",
		"forbidden", "disallowed", "not allowed", "not accepted", "unreachable",
	} {
		t[w[0]] = append(t[w[0]], w)
	}
	return t
}()

// failures returns the spans of msg where a failure is stated; lower is
// asciiLower(msg).
func failures(msg, lower string) [][2]int {
	var out [][2]int
	for i := 0; i < len(lower); i++ {
		words := failWords[lower[i]]
		if len(words) == 0 || !wordStart(msg, i) {
			continue
		}
		for _, w := range words {
			end := i + len(w)
			if end > len(lower) || lower[i:end] != w || !wordEnd(msg, end) {
				continue
			}
			if !negated(lower, i, end) {
				out = append(out, [2]int{i, end})
			}
			i = end - 1
			break
		}
	}
	return out
}

// wordStart reports whether a word starts at msg[i]: after a byte that is
// not a letter or digit, after '_' (handshake_failure), at a change to upper
// case (HandshakeFailure, SSLError); not inside a path (error.log after '/').
func wordStart(msg string, i int) bool {
	if i == 0 {
		return true
	}
	p, c := msg[i-1], msg[i]
	switch {
	case p == '/' || p == '\\':
		return false
	case p == '_' || !isWordByte(p):
		return true
	case isUpper(c) && !isUpper(p):
		return true
	case isUpper(c) && isUpper(p) && i+1 < len(msg) && isLower(msg[i+1]):
		return true
	}
	return false
}

// wordEnd reports whether a word ends before msg[i]: at a byte that is not
// a letter or digit, at '_', or where an upper-case letter starts the next
// word (AuthenticationFailedException); not before a file's extension
// (errors.go).
func wordEnd(msg string, i int) bool {
	if i == len(msg) {
		return true
	}
	c := msg[i]
	switch {
	case c == '.' && i+1 < len(msg) && isLower(msg[i+1]):
		return false
	case c == '_' || !isWordByte(c):
		return true
	case isUpper(c) && !isUpper(msg[i-1]):
		return true
	}
	return false
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }

// negated reports whether the failure word at lower[i:end] is denied or
// names no failure: "no errors", "without error", "0 failures",
// "non-fatal", "NoError", "error=nil", "failed: 0", `error=""`, "idle
// timeout 90s".
func negated(lower string, i, end int) bool {
	// The word before (or the part of a word, in NoError).
	j := i
	if j > 0 && lower[j-1] == '-' {
		j--
	}
	for j > 0 && lower[j-1] == ' ' {
		j--
	}
	k := j
	for k > 0 && isWordByte(lower[k-1]) && lower[k-1] != '_' {
		k--
	}
	switch lower[k:j] {
	case "no", "not", "non", "without", "zero", "0", "never":
		return true
	}
	// The value after: a time-out followed by a number is a setting
	// ("idle timeout 90s", "timeout=10s"), a count of zero is none.
	r := lower[end:]
	if w := lower[i:end]; w == "timeout" || w == "timeouts" {
		v := r
		for len(v) > 0 && (v[0] == ' ' || v[0] == '=' || v[0] == ':' || v[0] == '"') {
			v = v[1:]
		}
		if len(v) > 0 && v[0] >= '0' && v[0] <= '9' {
			return true
		}
	}
	if len(r) > 0 && r[0] == '"' {
		r = r[1:]
	}
	if len(r) == 0 || (r[0] != '=' && r[0] != ':') {
		return false
	}
	r = r[1:]
	for len(r) > 0 && r[0] == ' ' {
		r = r[1:]
	}
	for _, v := range []string{"0", "nil", "<nil>", "null", "none", "false", `""`, "-", "n/a", "[]", "{}"} {
		if len(r) < len(v) || r[:len(v)] != v {
			continue
		}
		if len(r) == len(v) || (!isWordByte(r[len(v)]) && r[len(v)] != '.') || v == `""` || v == "<nil>" {
			return true
		}
	}
	return false
}

// failsOutside reports whether one of spans lies outside [start, end).
func failsOutside(spans [][2]int, start, end int) bool {
	for _, s := range spans {
		if s[1] <= start || s[0] >= end {
			return true
		}
	}
	return false
}

// StatesFailure reports whether msg states a failure in words (an error, a
// refusal, a time-out ...).
func StatesFailure(msg string) bool { return len(failures(msg, asciiLower(msg))) > 0 }
