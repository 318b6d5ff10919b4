//go:build unix

package atomicfile

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFIFO: a FIFO is refused without being opened (which would block).
func TestFIFO(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skip(err)
	}
	if err := write(p, "x"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("over a FIFO: %v", err)
	}
	noTemps(t, dir, 1)
}
