//go:build !linux

package realclient

import "errors"

// HoldRefused is not available here; the refused endpoint's port stays free.
func HoldRefused(addr string) (release func(), err error) {
	return nil, errors.New("holding a port without listening is implemented for Linux only")
}
