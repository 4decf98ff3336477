//go:build linux

package realclient

import (
	"fmt"
	"net/netip"
	"syscall"
)

// HoldRefused binds addr without listening, so that connections to it are
// refused and no other program on the machine can start listening there
// while the clients run (the lab's refused endpoint is a port it closed).
// The returned function lets the port go.
func HoldRefused(addr string) (release func(), err error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || !ap.Addr().Is4() {
		return nil, fmt.Errorf("hold %s: an IPv4 address and port", addr)
	}
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()}); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("hold %s: %w", addr, err)
	}
	return func() { syscall.Close(fd) }, nil
}
