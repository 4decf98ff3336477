package fleet

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
)

// ReadLimited reads a whole file of at most limit bytes; what says what the
// file should be, for the error about a larger one.
func ReadLimited(path string, limit int64, what string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, errors.Unwrap(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d MiB: not %s", limit>>20, what)
	}
	return data, nil
}

// LoadCertificates reads a PEM bundle (or one DER certificate) of at most 16 MiB.
func LoadCertificates(file string) ([]*x509.Certificate, error) {
	data, err := ReadLimited(file, 16<<20, "a CA bundle")
	if err != nil {
		return nil, err
	}
	return ParseCertificates(data)
}

// ParseCertificates parses a PEM bundle (or one DER certificate).
func ParseCertificates(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := data
	blocks := 0
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		blocks++
		if b.Type != "CERTIFICATE" && b.Type != "TRUSTED CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d does not parse: %v", len(certs)+1, err)
		}
		certs = append(certs, c)
	}
	if blocks == 0 {
		if c, err := x509.ParseCertificate(data); err == nil {
			return []*x509.Certificate{c}, nil
		}
		return nil, errors.New("no PEM block found: not a PEM file")
	}
	if len(certs) == 0 {
		return nil, errors.New("no CERTIFICATE block (is this a key or a CSR?)")
	}
	return certs, nil
}
