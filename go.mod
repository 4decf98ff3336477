module github.com/tlsdoctor/tlsdoctor

go 1.26.0

require golang.org/x/crypto v0.58.0

require golang.org/x/crypto/x509roots/fallback v0.0.0-20261030153154-30a33513ff6d

require software.sslmate.com/src/go-pkcs12 v0.7.4
