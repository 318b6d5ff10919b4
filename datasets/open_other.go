//go:build !unix

package datasets

// openNonblock is 0 where there is no O_NONBLOCK: the file is checked with
// os.Stat before it is opened.
const openNonblock = 0
