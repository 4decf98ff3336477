//go:build !linux

package lab

import "errors"

func blackhole() (string, func(), error) {
	return "", nil, errors.New("lab: the TCP_TIMEOUT reproducer needs Linux")
}
