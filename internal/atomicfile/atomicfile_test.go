package atomicfile

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.txt")
	if err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Fatalf("content %q", b)
	}
	// New files get 0666 minus the umask, like os.Create (0644 under the
	// usual umask 022, which this test asserted before).
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != newFileMode(t) {
		t.Errorf("mode %v", fi.Mode())
	}
	// A failing writer leaves the old content and no temporary file.
	boom := errors.New("boom")
	err := Write(path, func(w io.Writer) error { io.WriteString(w, "partial"); return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("error %v, want boom", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("content after a failed write %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d entries in the directory, want 1", len(entries))
	}
	// A missing directory is an error naming the file.
	bad := filepath.Join(dir, "no", "f.txt")
	if err := Write(bad, func(io.Writer) error { return nil }); err == nil || !contains(err.Error(), bad) {
		t.Errorf("missing directory: %v", err)
	}
}

func TestAbortCommit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("x")
	f.Abort()
	f.Abort()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("aborted file exists: %v", err)
	}
	if err := f.Commit(); err == nil {
		t.Error("commit after abort succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("%d entries left", len(entries))
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// newFileMode returns the mode os.Create gives a new file: 0666 minus the
// umask.
func newFileMode(t *testing.T) os.FileMode {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ref")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func write(path, s string) error {
	return Write(path, func(w io.Writer) error { _, err := io.WriteString(w, s); return err })
}

func noTemps(t *testing.T, dir string, want int) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(entries) != want {
		t.Errorf("%s holds %v, want %d entries", dir, names, want)
	}
}

// TestMode: a new file gets 0666 minus the umask, like os.Create; a
// replaced file keeps its permission bits.
func TestMode(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "new")
	if err := write(p, "a"); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != newFileMode(t) {
		t.Errorf("new file: mode %v, want %v", fi.Mode().Perm(), newFileMode(t))
	}
	for _, mode := range []os.FileMode{0o600, 0o640, 0o604, 0o755} {
		os.Chmod(p, mode)
		if err := write(p, "b"); err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(p); fi.Mode().Perm() != mode {
			t.Errorf("replaced a %v file: mode %v", mode, fi.Mode().Perm())
		}
	}
	noTemps(t, dir, 1)
}

// TestSymlink: a write through a symbolic link replaces its target and
// keeps the link, also through a chain of relative links and a dangling
// link; a loop is an error.
func TestSymlink(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	target := filepath.Join(sub, "real")
	os.WriteFile(target, []byte("old"), 0o640)
	link1 := filepath.Join(dir, "link1")
	link2 := filepath.Join(dir, "link2")
	if err := os.Symlink("sub/real", link1); err != nil {
		t.Skip("no symbolic links:", err)
	}
	os.Symlink("link1", link2)
	if err := write(link2, "new"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Errorf("target holds %q", b)
	}
	for _, l := range []string{link1, link2} {
		if fi, err := os.Lstat(l); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a link: %v %v", l, fi.Mode(), err)
		}
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o640 {
		t.Errorf("target mode %v, want 0640", fi.Mode().Perm())
	}
	noTemps(t, sub, 1) // the temporary file went beside the target
	noTemps(t, dir, 3)

	dangling := filepath.Join(dir, "dangling")
	os.Symlink("sub/created", dangling)
	if err := write(dangling, "x"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(sub, "created")); string(b) != "x" {
		t.Errorf("dangling link: target holds %q", b)
	}
	if got, err := Target(dangling); err != nil || got != filepath.Join(sub, "created") {
		t.Errorf("Target(dangling) = %q, %v", got, err)
	}

	loop := filepath.Join(dir, "loop")
	os.Symlink("loop", loop)
	if err := write(loop, "x"); err == nil || !strings.Contains(err.Error(), loop) {
		t.Errorf("link loop: %v", err)
	}
	// A link to a directory is refused before anything is written.
	dirLink := filepath.Join(dir, "dirlink")
	os.Symlink("sub", dirLink)
	if err := write(dirLink, "x"); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("link to a directory: %v", err)
	}
	noTemps(t, sub, 2)
}

// TestRefused: a directory, and a file that may not be written to, are
// refused before a temporary file is made.
func TestRefused(t *testing.T) {
	dir := t.TempDir()
	d := filepath.Join(dir, "d")
	os.Mkdir(d, 0o755)
	if err := write(d, "x"); err == nil || !strings.Contains(err.Error(), d) {
		t.Errorf("over a directory: %v", err)
	}
	ro := filepath.Join(dir, "ro")
	os.WriteFile(ro, []byte("keep"), 0o444)
	err := write(ro, "x")
	if os.Geteuid() != 0 && err == nil {
		t.Errorf("over a read-only file: no error")
	}
	if b, _ := os.ReadFile(ro); os.Geteuid() != 0 && string(b) != "keep" {
		t.Errorf("read-only file now holds %q", b)
	}
	noTemps(t, dir, 2)
}

// TestWriteContext: a cancelled context stops a write before it starts,
// in the middle and before the rename, leaving no file and no temporary
// file; the error wraps context.Canceled.
func TestWriteContext(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	os.WriteFile(path, []byte("old"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	err := WriteContext(ctx, path, func(w io.Writer) error { called = true; return nil })
	if !errors.Is(err, context.Canceled) || called {
		t.Errorf("cancelled before: %v, fill called %v", err, called)
	}
	for _, n := range []int{10, 3 << 20} { // within the buffer; past it
		ctx, cancel := context.WithCancel(context.Background())
		err := WriteContext(ctx, path, func(w io.Writer) error {
			w.Write(make([]byte, 1000))
			cancel()
			_, err := w.Write(make([]byte, n))
			return err
		})
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), path) {
			t.Errorf("cancelled while writing %d bytes: %v", n, err)
		}
		if b, _ := os.ReadFile(path); string(b) != "old" {
			t.Errorf("file changed to %d bytes", len(b))
		}
	}
	noTemps(t, dir, 1)
	if err := WriteContext(context.Background(), path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("content %q", b)
	}
}

// TestCleanup: Cleanup removes the temporary files still open, not the
// destinations, and the files it removed cannot be committed.
func TestCleanup(t *testing.T) {
	dir := t.TempDir()
	done := filepath.Join(dir, "done")
	if err := write(done, "x"); err != nil {
		t.Fatal(err)
	}
	f, err := Create(filepath.Join(dir, "open"))
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("partial")
	noTemps(t, dir, 2)
	Cleanup()
	noTemps(t, dir, 1)
	if err := f.Commit(); err == nil {
		t.Error("commit of a cleaned-up file succeeded")
	}
	noTemps(t, dir, 1)
}
