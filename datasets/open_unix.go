//go:build unix

package datasets

import "syscall"

// openNonblock makes opening a named pipe return at once instead of
// waiting for a writer; it has no effect on a regular file.
const openNonblock = syscall.O_NONBLOCK
