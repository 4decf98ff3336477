//go:build linux

package lab

import (
	"fmt"
	"net"
	"syscall"
	"time"
)

// blackhole returns a loopback address whose SYNs go unanswered: a listener
// with a backlog of zero whose accept queue the lab fills and never drains,
// so the kernel drops further SYNs, as a firewall that drops packets does.
func blackhole() (addr string, closeFn func(), err error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return "", nil, err
	}
	sa := &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}
	if err := syscall.Bind(fd, sa); err != nil {
		syscall.Close(fd)
		return "", nil, err
	}
	if err := syscall.Listen(fd, 0); err != nil {
		syscall.Close(fd)
		return "", nil, err
	}
	got, err := syscall.Getsockname(fd)
	if err != nil {
		syscall.Close(fd)
		return "", nil, err
	}
	addr = fmt.Sprintf("127.0.0.1:%d", got.(*syscall.SockaddrInet4).Port)
	var fillers []net.Conn
	closeFn = func() {
		for _, c := range fillers {
			c.Close()
		}
		syscall.Close(fd)
	}
	// With a backlog of zero the queue holds one connection; once it is
	// taken, SYNs are dropped. A dial that times out before any filler is in
	// the queue says only that the machine is slow: try again.
	for i := 0; i < 8; i++ {
		c, err := net.DialTimeout("tcp", addr, 500*time.Millisecond)
		if err != nil {
			if len(fillers) > 0 {
				return addr, closeFn, nil // the queue is full: SYNs are dropped now
			}
			continue
		}
		fillers = append(fillers, c)
	}
	closeFn()
	return "", nil, fmt.Errorf("lab: could not fill the accept queue of %s", addr)
}

// closedPort returns a loopback address that refuses connections and stays
// so: a socket bound to the port but never listening holds the port, so no
// other listener of the process can take it.
func closedPort() (addr string, closeFn func(), err error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return "", nil, err
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		syscall.Close(fd)
		return "", nil, err
	}
	got, err := syscall.Getsockname(fd)
	if err != nil {
		syscall.Close(fd)
		return "", nil, err
	}
	return fmt.Sprintf("127.0.0.1:%d", got.(*syscall.SockaddrInet4).Port), func() { syscall.Close(fd) }, nil
}
