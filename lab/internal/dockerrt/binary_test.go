package dockerrt

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// elfSpec describes a crafted ELF executable; the zero value is a static
// Linux amd64 one.
type elfSpec struct {
	OSABI   elf.OSABI
	Machine elf.Machine
	Interp  string // a PT_INTERP program header when set
}

// writeELF writes the smallest ELF64 file debug/elf reads as spec says.
func writeELF(t *testing.T, spec elfSpec) string {
	t.Helper()
	if spec.Machine == 0 {
		spec.Machine = elf.EM_X86_64
	}
	const ehsize, phsize = 64, 56
	phnum := 1
	if spec.Interp != "" {
		phnum++
	}
	var b bytes.Buffer
	hdr := elf.Header64{
		Type: uint16(elf.ET_EXEC), Machine: uint16(spec.Machine), Version: uint32(elf.EV_CURRENT),
		Phoff: ehsize, Ehsize: ehsize, Phentsize: phsize, Phnum: uint16(phnum),
	}
	copy(hdr.Ident[:], []byte{0x7f, 'E', 'L', 'F', byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT), byte(spec.OSABI)})
	progs := []elf.Prog64{{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_X)}}
	if spec.Interp != "" {
		off := uint64(ehsize + phsize*phnum)
		progs = append(progs, elf.Prog64{Type: uint32(elf.PT_INTERP), Flags: uint32(elf.PF_R), Off: off, Filesz: uint64(len(spec.Interp) + 1)})
	}
	for _, v := range []any{hdr, progs} {
		if err := binary.Write(&b, binary.LittleEndian, v); err != nil {
			t.Fatal(err)
		}
	}
	if spec.Interp != "" {
		b.WriteString(spec.Interp + "\x00")
	}
	path := filepath.Join(t.TempDir(), "stickylab")
	if err := os.WriteFile(path, b.Bytes(), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAStaticLinuxExecutableCanBeTheLab(t *testing.T) {
	for machine, arch := range map[elf.Machine]string{elf.EM_X86_64: "amd64", elf.EM_AARCH64: "arm64"} {
		for _, abi := range []elf.OSABI{elf.ELFOSABI_NONE, elf.ELFOSABI_LINUX} {
			path := writeELF(t, elfSpec{OSABI: abi, Machine: machine})
			b, err := checkBinary(path)
			if err != nil || b.Path != path || b.Arch != arch {
				t.Errorf("%s %s: %+v, %v; want arch %s", machine, abi, b, err, arch)
			}
		}
	}
}

// wantRefusal checks err says what is wrong and what to build instead.
func wantRefusal(t *testing.T, err, kind error, wants ...string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("want %q, got %v", kind, err)
	}
	for _, w := range append(wants, "CGO_ENABLED=0 GOOS=linux go build", mainPackage) {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q should mention %q", err, w)
		}
	}
}

func TestADynamicExecutableIsRefusedWithWhatToBuild(t *testing.T) {
	path := writeELF(t, elfSpec{Interp: "/lib64/ld-linux-x86-64.so.2"})
	_, err := checkBinary(path)
	wantRefusal(t, err, errNotStatic, path, "/lib64/ld-linux-x86-64.so.2", "no C library")
}

func TestARealDynamicExecutableIsRefused(t *testing.T) {
	const sh = "/bin/sh" // dynamically linked on every usual Linux distribution
	f, err := elf.Open(sh)
	if err != nil {
		t.Skipf("%s is not an ELF file here: %v", sh, err)
	}
	dynamic := f.Progs != nil && checkStatic(f) != nil
	f.Close()
	if !dynamic {
		t.Skipf("%s is statically linked here", sh)
	}
	_, err = checkBinary(sh)
	wantRefusal(t, err, errNotStatic, sh)
}

func TestANonLinuxExecutableIsRefusedWithWhatToBuild(t *testing.T) {
	freebsd := writeELF(t, elfSpec{OSABI: elf.ELFOSABI_FREEBSD})
	_, err := checkBinary(freebsd)
	wantRefusal(t, err, errNotLinux, freebsd, "FREEBSD")

	macho := filepath.Join(t.TempDir(), "stickylab")
	if err := os.WriteFile(macho, []byte("\xcf\xfa\xed\xfe\x07\x00\x00\x01 a Mach-O header, as go build writes on macOS"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = checkBinary(macho)
	wantRefusal(t, err, errNotLinux, macho)
}

func TestAnUnsupportedArchitectureIsRefused(t *testing.T) {
	path := writeELF(t, elfSpec{Machine: elf.EM_SPARCV9})
	if _, err := checkBinary(path); err == nil || !strings.Contains(err.Error(), "EM_SPARCV9") {
		t.Fatalf("want an error naming the machine, got %v", err)
	}
}

func TestTheBinaryDirectoryMustHoldAStaticStickylab(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(binDirEnv, dir)
	if _, _, err := locateBinary(t.Context(), t.Logf); err == nil || !strings.Contains(err.Error(), binDirEnv) {
		t.Fatalf("an empty %s: want an error naming it, got %v", binDirEnv, err)
	}
	dynamic, err := os.ReadFile(writeELF(t, elfSpec{Interp: "/lib/ld-musl-x86_64.so.1"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stickylab"), dynamic, 0o755); err != nil {
		t.Fatal(err)
	}
	_, _, err = locateBinary(t.Context(), t.Logf)
	wantRefusal(t, err, errNotStatic, binDirEnv)

	static := writeELF(t, elfSpec{})
	t.Setenv(binDirEnv, filepath.Dir(static))
	if b, cleanup, err := locateBinary(t.Context(), t.Logf); err != nil || b.Path != static {
		t.Fatalf("%s with a static stickylab: %+v, %v", binDirEnv, b, err)
	} else {
		cleanup()
	}
}

// A test binary is not the stickylab command: it compiles one from the
// module source, which must be found.
func TestATestBinaryFindsTheModuleSource(t *testing.T) {
	if runningStickylab() {
		t.Fatal("a test binary must not take itself for the stickylab command")
	}
	root := rootOnce()
	if !isModuleRoot(root) {
		t.Fatalf("module root %q", root)
	}
	if _, err := os.Stat(filepath.Join(root, "cmd", "stickylab", "main.go")); err != nil {
		t.Errorf("module root %s lacks the stickylab command: %v", root, err)
	}
}
