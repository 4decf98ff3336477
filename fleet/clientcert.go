package fleet

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/tlsdoctor/tlsdoctor/probe"
	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// LoadClientCert reads the client certificate for --cert and --key: PEM
// (certificates, leaf first, and an unencrypted PKCS#8, PKCS#1 or SEC 1 key,
// in keyFile or in the certificate file itself), or PKCS#12 (.p12, .pfx),
// whose password is the first line of passwordFile (none when empty).
// A key that does not belong to the certificate is loaded anyway and
// recorded as such: the server's verdict on it is part of the diagnosis.
func LoadClientCert(certFile, keyFile, passwordFile string) (*probe.ClientCertificate, error) {
	data, err := ReadLimited(certFile, 1<<20, "a client certificate")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", certFile, err)
	}
	if bytes.Contains(data, []byte("-----BEGIN")) {
		if passwordFile != "" {
			return nil, errors.New("--cert-password-file is for PKCS#12 files; this is PEM")
		}
		return loadPEM(certFile, data, keyFile)
	}
	if keyFile != "" {
		return nil, fmt.Errorf("%s is not PEM; a PKCS#12 file carries its own key, so --key is not used with it", certFile)
	}
	password := ""
	if passwordFile != "" {
		p, err := ReadLimited(passwordFile, 4096, "a password file")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", passwordFile, err)
		}
		password, _, _ = strings.Cut(string(p), "\n")
		password = strings.TrimSuffix(password, "\r")
	}
	key, leaf, cas, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			return nil, fmt.Errorf("%s: wrong PKCS#12 password (give it with --cert-password-file FILE)", certFile)
		}
		return nil, fmt.Errorf("%s is neither PEM nor a PKCS#12 file this tool can read: %v", certFile, err)
	}
	return probe.NewClientCertificate(append([]*x509.Certificate{leaf}, cas...), key, certFile)
}

func loadPEM(certFile string, data []byte, keyFile string) (*probe.ClientCertificate, error) {
	var chain []*x509.Certificate
	var key crypto.PrivateKey
	keyData := data
	if keyFile != "" {
		kd, err := ReadLimited(keyFile, 1<<20, "a private key")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", keyFile, err)
		}
		keyData = kd
	}
	for rest := data; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if b.Type == "CERTIFICATE" {
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%s: certificate %d does not parse: %v", certFile, len(chain)+1, err)
			}
			chain = append(chain, c)
		}
	}
	if len(chain) == 0 {
		return nil, fmt.Errorf("%s has no CERTIFICATE block", certFile)
	}
	keyName := keyFile
	if keyName == "" {
		keyName = certFile
	}
	for rest := keyData; key == nil; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if b.Type == "ENCRYPTED PRIVATE KEY" || b.Headers["Proc-Type"] != "" {
			return nil, fmt.Errorf("%s: the key is encrypted; decrypt it (openssl pkey -in KEY -out plain.pem) or use a PKCS#12 file with --cert-password-file", keyName)
		}
		if !strings.HasSuffix(b.Type, "PRIVATE KEY") {
			continue
		}
		k, err := parseKey(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: the private key does not parse: %v", keyName, err)
		}
		key = k
	}
	if key == nil {
		if keyFile == "" {
			return nil, fmt.Errorf("%s has no private key: give it with --key FILE", certFile)
		}
		return nil, fmt.Errorf("%s has no PRIVATE KEY block", keyFile)
	}
	return probe.NewClientCertificate(chain, key, certFile)
}

func parseKey(der []byte) (crypto.PrivateKey, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	return x509.ParseECPrivateKey(der)
}
