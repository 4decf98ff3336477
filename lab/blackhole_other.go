//go:build !linux

package lab

import (
	"errors"
	"net"
)

func blackhole() (string, func(), error) {
	return "", nil, errors.New("lab: the TCP_TIMEOUT reproducer needs Linux")
}

// closedPort returns a loopback port nothing listens on (another listener
// may take it later on this platform).
func closedPort() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr, func() {}, nil
}
