package inventory

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tlsdoctor/tlsdoctor/wire"
)

// OpenSSLCiphers applies an OpenSSL cipher string (nginx proxy_ssl_ciphers,
// HAProxy ciphers, ingress-nginx proxy-ssl-ciphers) to a client's offer of
// TLS 1.2-and-older suites, as OpenSSL does: names and keywords separated
// by ':' (or ',' or ' '), '!' removes for good, '-' removes, '+' moves to
// the end, 'A+B' is both. Keywords select among the offer (DEFAULT and ALL
// are the offer itself) and suites named explicitly; TLS 1.3 suites are
// untouched, as OpenSSL sets them apart. Unknown words are returned as
// warnings and ignored.
func OpenSSLCiphers(spec string, offer []uint16) (suites []uint16, warnings []string) {
	var tls13, legacy []uint16
	for _, id := range offer {
		if isTLS13Suite(id) {
			tls13 = append(tls13, id)
		} else {
			legacy = append(legacy, id)
		}
	}
	universe := slices.Clone(legacy)
	words := strings.FieldsFunc(strings.Trim(spec, `"'`), func(r rune) bool { return r == ':' || r == ',' || r == ' ' })
	// Suites named explicitly join the universe even when not offered.
	for _, w := range words {
		if id, ok := suiteByOpenSSLName(strings.TrimLeft(w, "!-+")); ok && !slices.Contains(universe, id) {
			universe = append(universe, id)
		}
	}
	var cur []uint16
	killed := map[uint16]bool{}
	for _, w := range words {
		op := byte(0)
		if w[0] == '!' || w[0] == '-' || w[0] == '+' {
			op, w = w[0], w[1:]
		}
		if strings.HasPrefix(w, "@") {
			warnings = append(warnings, fmt.Sprintf("cipher string %q: %s is not modelled (ignored)", spec, w))
			continue
		}
		match, ok := matchCiphers(w, universe, legacy)
		if !ok {
			warnings = append(warnings, fmt.Sprintf("cipher string %q: unknown word %q (ignored)", spec, w))
			continue
		}
		switch op {
		case '!':
			for _, id := range match {
				killed[id] = true
			}
			cur = slices.DeleteFunc(cur, func(id uint16) bool { return killed[id] })
		case '-':
			cur = slices.DeleteFunc(cur, func(id uint16) bool { return slices.Contains(match, id) })
		case '+':
			var moved []uint16
			cur = slices.DeleteFunc(cur, func(id uint16) bool {
				if slices.Contains(match, id) {
					moved = append(moved, id)
					return true
				}
				return false
			})
			cur = append(cur, moved...)
		default:
			for _, id := range match {
				if !killed[id] && !slices.Contains(cur, id) {
					cur = append(cur, id)
				}
			}
		}
	}
	return append(tls13, cur...), warnings
}

func isTLS13Suite(id uint16) bool { return id >= 0x1301 && id <= 0x1305 }

// matchCiphers returns the suites of universe a word selects ("A+B": both).
func matchCiphers(word string, universe, offer []uint16) ([]uint16, bool) {
	var out []uint16
	parts := strings.Split(word, "+")
	for _, id := range universe {
		all := true
		for _, p := range parts {
			in, known := cipherClass(p, id, offer)
			if !known {
				return nil, false
			}
			all = all && in
		}
		if all {
			out = append(out, id)
		}
	}
	return out, true
}

// suiteAttrs splits an IANA suite name into key exchange, authentication,
// cipher and MAC.
func suiteAttrs(id uint16) (kx, auth, enc, mac string) {
	s, ok := wire.LookupSuite(id)
	if !ok {
		return
	}
	name := strings.TrimPrefix(s.Name, "TLS_")
	k, rest, found := strings.Cut(name, "_WITH_")
	if !found {
		return
	}
	kx, auth, _ = strings.Cut(k, "_")
	if auth == "" {
		auth = kx // TLS_RSA_WITH_...: RSA key exchange and authentication
	}
	if i := strings.LastIndex(rest, "_"); i > 0 {
		enc, mac = rest[:i], rest[i+1:]
	}
	return
}

// cipherClass reports whether suite id is in the class a keyword names;
// known is false for a word that is neither a keyword nor a suite name.
func cipherClass(word string, id uint16, offer []uint16) (in, known bool) {
	if n, ok := suiteByOpenSSLName(word); ok {
		return n == id, true
	}
	kx, auth, enc, mac := suiteAttrs(id)
	aead := strings.Contains(enc, "GCM") || strings.Contains(enc, "CHACHA20") || strings.Contains(enc, "CCM")
	anon := auth == "anon"
	switch strings.ToUpper(word) {
	case "DEFAULT", "ALL":
		return slices.Contains(offer, id), true
	case "COMPLEMENTOFDEFAULT", "COMPLEMENTOFALL":
		return !slices.Contains(offer, id), true
	case "HIGH":
		return enc != "NULL" && (strings.HasPrefix(enc, "AES") || strings.HasPrefix(enc, "CHACHA20") || strings.HasPrefix(enc, "CAMELLIA") || strings.HasPrefix(enc, "ARIA")), true
	case "MEDIUM":
		return strings.HasPrefix(enc, "3DES") || strings.HasPrefix(enc, "RC4") || strings.HasPrefix(enc, "SEED") || strings.HasPrefix(enc, "IDEA"), true
	case "LOW":
		return enc == "DES_CBC", true
	case "ENULL", "NULL":
		return enc == "NULL", true
	case "ANULL":
		return anon, true
	case "KRSA", "RSA":
		return kx == "RSA", true
	case "ARSA":
		return auth == "RSA", true
	case "AECDSA", "ECDSA":
		return auth == "ECDSA", true
	case "ADSS", "DSS":
		return auth == "DSS", true
	case "KEECDH", "KECDHE", "ECDHE", "EECDH", "ECDH":
		return kx == "ECDHE" && (!anon || strings.HasPrefix(strings.ToUpper(word), "K")), true
	case "KEDH", "KDHE", "DHE", "EDH", "DH":
		return kx == "DHE" && (!anon || strings.HasPrefix(strings.ToUpper(word), "K")), true
	case "AES":
		return strings.HasPrefix(enc, "AES"), true
	case "CBC":
		return strings.HasSuffix(enc, "_CBC"), true
	case "AES128":
		return strings.HasPrefix(enc, "AES_128"), true
	case "AES256":
		return strings.HasPrefix(enc, "AES_256"), true
	case "AESGCM":
		return strings.HasPrefix(enc, "AES") && strings.HasSuffix(enc, "GCM"), true
	case "AESCCM":
		return strings.HasPrefix(enc, "AES") && strings.Contains(enc, "CCM"), true
	case "CHACHA20":
		return strings.HasPrefix(enc, "CHACHA20"), true
	case "3DES":
		return strings.HasPrefix(enc, "3DES"), true
	case "DES":
		return enc == "DES_CBC", true
	case "RC4":
		return strings.HasPrefix(enc, "RC4"), true
	case "CAMELLIA":
		return strings.HasPrefix(enc, "CAMELLIA"), true
	case "ARIA":
		return strings.HasPrefix(enc, "ARIA"), true
	case "MD5":
		return mac == "MD5", true
	case "SHA1", "SHA":
		return mac == "SHA" && !aead, true
	case "SHA256":
		return mac == "SHA256", true
	case "SHA384":
		return mac == "SHA384", true
	case "PSK":
		return strings.Contains(kx+auth, "PSK"), true
	case "SRP":
		return strings.Contains(kx, "SRP"), true
	case "EXPORT", "EXP":
		return strings.Contains(kx+auth, "EXPORT"), true
	case "TLSV1.2":
		return aead || mac == "SHA256" || mac == "SHA384", true
	case "TLSV1", "SSLV3", "TLSV1.0":
		return !aead && mac != "SHA256" && mac != "SHA384", true
	}
	return false, false
}

// opensslName derives OpenSSL's name of a suite from its IANA name, for
// the common families (ECDHE, DHE and RSA key exchange with AES, ChaCha20,
// 3DES and RC4).
func opensslName(id uint16) string {
	kx, auth, enc, mac := suiteAttrs(id)
	var prefix string
	switch {
	case kx == "ECDHE" && (auth == "RSA" || auth == "ECDSA"):
		prefix = "ECDHE-" + auth + "-"
	case kx == "DHE" && (auth == "RSA" || auth == "DSS"):
		prefix = "DHE-" + auth + "-"
	case kx == "RSA" && auth == "RSA":
	default:
		return ""
	}
	var body string
	switch enc {
	case "AES_128_GCM", "AES_256_GCM":
		return prefix + "AES" + enc[4:7] + "-GCM-" + mac
	case "CHACHA20_POLY1305":
		return prefix + "CHACHA20-POLY1305"
	case "AES_128_CBC", "AES_256_CBC":
		body = "AES" + enc[4:7]
	case "3DES_EDE_CBC":
		body = "DES-CBC3"
		if kx == "DHE" {
			prefix = "EDH-" + auth + "-"
		}
	case "RC4_128":
		body = "RC4"
	default:
		return ""
	}
	return prefix + body + "-" + mac
}

// suiteByOpenSSLName finds a suite by its OpenSSL or IANA name.
func suiteByOpenSSLName(name string) (uint16, bool) {
	if strings.HasPrefix(name, "TLS_") {
		for _, s := range wire.Suites() {
			if s.Name == name {
				return s.ID, true
			}
		}
		return 0, false
	}
	if !strings.Contains(name, "-") {
		return 0, false
	}
	for _, s := range wire.Suites() {
		if n := opensslName(s.ID); n != "" && n == name {
			return s.ID, true
		}
	}
	return 0, false
}
