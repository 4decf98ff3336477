package explain

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// The catalog has a few hundred patterns, and a log has millions of lines
// that mostly match none. Running every regular expression on every line
// would cost tens of microseconds a line; instead each pattern's required
// literals (one of which occurs in every match) are found in one pass by an
// Aho-Corasick automaton, and only the patterns whose literal occurs run
// their expression.

// minLiteral is the shortest literal worth filtering on.
const minLiteral = 3

// literals returns strings (lower case) of which one occurs in every match
// of re, or nil when there is no such set of useful length.
func literals(re string) []string {
	t, err := syntax.Parse("(?i)"+re, syntax.Perl)
	if err != nil {
		return nil
	}
	set := required(t.Simplify())
	for _, s := range set {
		if len(s) < minLiteral {
			return nil
		}
	}
	return set
}

func required(t *syntax.Regexp) []string {
	switch t.Op {
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(t.Rune))}
	case syntax.OpCapture, syntax.OpPlus:
		return required(t.Sub[0])
	case syntax.OpRepeat:
		if t.Min >= 1 {
			return required(t.Sub[0])
		}
	case syntax.OpConcat:
		var best []string
		bestScore := 0
		for _, s := range t.Sub {
			set := required(s)
			if set == nil {
				continue
			}
			if m := score(set); m > bestScore {
				best, bestScore = set, m
			}
		}
		return best
	case syntax.OpAlternate:
		var out []string
		for _, s := range t.Sub {
			set := required(s)
			if set == nil {
				return nil
			}
			out = append(out, set...)
		}
		return out
	}
	return nil
}

// common words occur in most TLS error lines: a literal that is only one
// of them filters nothing, so a rarer part of the expression is preferred.
var common = map[string]bool{
	"error": true, "errors": true, "ssl": true, "tls": true, "failed": true, "failure": true,
	"certificate": true, "connection": true, "handshake": true, "server": true, "client": true,
	"http": true, "https": true, "the": true, "unable": true, "invalid": true, "alert": true,
	"verify": true, "exception": true, "routines": true, "remote": true, "peer": true,
	"sslv3": true, "tlsv1": true, "x509": true, "x509:": true,
}

// score rates a set of alternative literals by its weakest member.
func score(set []string) int {
	m := -1
	for _, s := range set {
		n := utf8.RuneCountInString(s)
		if common[strings.TrimSpace(s)] {
			n = 1
		}
		if m < 0 || n < m {
			m = n
		}
	}
	return m
}

// matcher is an Aho-Corasick automaton over ASCII-folded bytes. Bytes are
// mapped to classes first (each byte that occurs in a literal has its own,
// every other byte shares class 0), which keeps the table small.
type matcher struct {
	class [256]uint8
	width int
	next  []int32   // state*width + class -> state; failure links folded in
	out   [][]int32 // the patterns whose literal ends at this state
	npat  int
}

func newMatcher(lits []string, owners []int) *matcher {
	m := &matcher{}
	width := 1
	for _, lit := range lits {
		for j := 0; j < len(lit); j++ {
			b := lit[j]
			if b >= 'A' && b <= 'Z' {
				b += 'a' - 'A'
			}
			if m.class[b] == 0 && width < 255 {
				m.class[b] = uint8(width)
				if b >= 'a' && b <= 'z' {
					m.class[b-'a'+'A'] = uint8(width)
				}
				width++
			}
		}
	}
	m.width = width
	newState := func() int32 {
		for i := 0; i < width; i++ {
			m.next = append(m.next, -1)
		}
		m.out = append(m.out, nil)
		return int32(len(m.out) - 1)
	}
	newState()
	for k, lit := range lits {
		s := int32(0)
		for j := 0; j < len(lit); j++ {
			c := int32(m.class[lit[j]])
			if m.next[s*int32(width)+c] < 0 {
				t := newState()
				m.next[s*int32(width)+c] = t
			}
			s = m.next[s*int32(width)+c]
		}
		m.out[s] = append(m.out[s], int32(owners[k]))
		if owners[k]+1 > m.npat {
			m.npat = owners[k] + 1
		}
	}
	// Breadth-first: failure links, folded into the goto function. Class 0
	// (bytes in no literal) always returns to the root.
	fail := make([]int32, len(m.out))
	var queue []int32
	for c := 0; c < width; c++ {
		if t := m.next[c]; t >= 0 && c != 0 {
			queue = append(queue, t)
		} else {
			m.next[c] = 0
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		m.out[s] = append(m.out[s], m.out[fail[s]]...)
		for c := 0; c < width; c++ {
			i := int(s)*width + c
			t := m.next[i]
			if t >= 0 && c != 0 {
				fail[t] = m.next[int(fail[s])*width+c]
				queue = append(queue, t)
			} else {
				m.next[i] = m.next[int(fail[s])*width+c]
			}
		}
	}
	return m
}

// find returns the patterns (indexes, in order of first occurrence) one of
// whose literals occurs in s.
func (m *matcher) find(s string) []int {
	var small [16]uint64 // enough for 1,024 owners without allocating
	seen := small[:]
	if m.npat > len(small)*64 {
		seen = make([]uint64, m.npat/64+1)
	}
	var out []int
	st := 0
	w := m.width
	for i := 0; i < len(s); i++ {
		st = int(m.next[st*w+int(m.class[s[i]])])
		for _, p := range m.out[st] {
			word, bit := p/64, uint64(1)<<(p%64)
			if seen[word]&bit == 0 {
				seen[word] |= bit
				out = append(out, int(p))
			}
		}
	}
	return out
}
