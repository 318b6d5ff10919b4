package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCPUProfile: -cpuprofile writes a gzip'd profile, replaces a profile,
// and refuses to replace a file of another kind (usage error, the file
// kept).
func TestCPUProfile(t *testing.T) {
	dir := t.TempDir()
	prof := filepath.Join(dir, "cpu.pprof")
	args := []string{"train", "-data", fixture, "-classes", "0,1", "-train-per-class", "5", "-layers", "1", "-test-per-class", "0", "-q"}
	for range 2 { // a new file, then the profile replaced
		if code, _, errs := runCLI(t, append(args, "-cpuprofile", prof)...); code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		b, err := os.ReadFile(prof)
		if err != nil || !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
			t.Fatalf("profile: %v, %d bytes, want a gzip stream", err, len(b))
		}
	}
	notes := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notes, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, append(args, "-cpuprofile", notes)...)
	if code != exitUsage || !strings.Contains(errs, "not a CPU profile") {
		t.Fatalf("exit %d, stderr %q: want a usage error naming the file's kind", code, errs)
	}
	if b, _ := os.ReadFile(notes); string(b) != "mine\n" {
		t.Errorf("the file was changed to %q", b)
	}
}
