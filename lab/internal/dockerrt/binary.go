package dockerrt

import (
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
)

const (
	modulePath = "github.com/stickylab/stickylab"
	// mainPackage is the command whose binary the lab's image holds: it runs
	// as `stickylab fakeapp …` and `stickylab fakecdn …` in the containers.
	mainPackage = modulePath + "/cmd/stickylab"
	// binDirEnv names a directory holding a prebuilt static Linux stickylab
	// binary (`make build` writes bin/stickylab); it wins over the running
	// executable, for development.
	binDirEnv = "STICKYLAB_BIN_DIR"
	// buildHint says how to build a binary the containers can run.
	buildHint = "CGO_ENABLED=0 GOOS=linux go build -o DIR/ " + mainPackage
)

// labBinary is the static Linux stickylab binary the image is made of.
type labBinary struct {
	Path string
	Arch string // GOARCH, from the ELF header
}

// locateBinary finds the lab binary: $STICKYLAB_BIN_DIR/stickylab, else the
// running executable when it is the stickylab command. Anything else — a
// test binary, another program that imports the lab — gets one compiled
// from the module source (compile, below); only that path needs Go.
func locateBinary(ctx context.Context, logf func(string, ...any)) (labBinary, func(), error) {
	nothing := func() {}
	if dir := os.Getenv(binDirEnv); dir != "" {
		path := filepath.Join(dir, "stickylab")
		if _, err := os.Stat(path); err != nil {
			return labBinary{}, nothing, fmt.Errorf("%s=%s: %w (build it with %s)", binDirEnv, dir, err, buildHint)
		}
		b, err := checkBinary(path)
		if err != nil {
			return labBinary{}, nothing, fmt.Errorf("%s=%s: %w", binDirEnv, dir, err)
		}
		return b, nothing, nil
	}
	if runningStickylab() {
		exe, err := os.Executable()
		if err != nil {
			return labBinary{}, nothing, fmt.Errorf("find the running executable: %w", err)
		}
		b, err := checkBinary(exe)
		if err != nil {
			return labBinary{}, nothing, fmt.Errorf("the running stickylab cannot run in the lab's containers "+
				"(reinstall it with CGO_ENABLED=0 go install %s@latest, or set %s): %w", mainPackage, binDirEnv, err)
		}
		return b, nothing, nil
	}
	return compile(ctx, logf)
}

// runningStickylab reports whether this process is the stickylab command,
// whatever its file name: its build info names the main package.
func runningStickylab() bool {
	bi, ok := debug.ReadBuildInfo()
	return ok && bi.Path == mainPackage
}

// elfArch maps ELF machines to the GOARCH of Linux images.
var elfArch = map[elf.Machine]string{
	elf.EM_X86_64:    "amd64",
	elf.EM_AARCH64:   "arm64",
	elf.EM_386:       "386",
	elf.EM_ARM:       "arm",
	elf.EM_PPC64:     "ppc64le",
	elf.EM_S390:      "s390x",
	elf.EM_RISCV:     "riscv64",
	elf.EM_LOONGARCH: "loong64",
}

// errNotStatic and errNotLinux say why a binary cannot run FROM scratch.
var (
	errNotLinux  = errors.New("not a Linux executable")
	errNotStatic = errors.New("dynamically linked")
)

// checkBinary makes sure path can run alone in a FROM scratch image: a
// Linux ELF executable with no interpreter and no shared libraries.
func checkBinary(path string) (labBinary, error) {
	f, err := elf.Open(path)
	if err != nil {
		var fe *elf.FormatError
		if errors.As(err, &fe) {
			return labBinary{}, fmt.Errorf("%s: %w (%v); the containers run Linux: build it with %s", path, errNotLinux, err, buildHint)
		}
		return labBinary{}, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	if f.OSABI != elf.ELFOSABI_NONE && f.OSABI != elf.ELFOSABI_LINUX {
		return labBinary{}, fmt.Errorf("%s: %w (ELF for %s); the containers run Linux: build it with %s", path, errNotLinux, f.OSABI, buildHint)
	}
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return labBinary{}, fmt.Errorf("%s: %w (ELF %s, not an executable); build it with %s", path, errNotLinux, f.Type, buildHint)
	}
	arch, ok := elfArch[f.Machine]
	if !ok || (f.Machine == elf.EM_PPC64 && f.Data != elf.ELFDATA2LSB) {
		return labBinary{}, fmt.Errorf("%s: ELF machine %s is not supported; build it for the engine's architecture with %s", path, f.Machine, buildHint)
	}
	if err := checkStatic(f); err != nil {
		return labBinary{}, fmt.Errorf("%s: %w: a FROM scratch image has no C library; build it with %s", path, err, buildHint)
	}
	return labBinary{Path: path, Arch: arch}, nil
}

func checkStatic(f *elf.File) error {
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			interp := make([]byte, p.Filesz)
			_, _ = p.ReadAt(interp, 0)
			return fmt.Errorf("%w (interpreter %s)", errNotStatic, string(trimNUL(interp)))
		}
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		return fmt.Errorf("read its dynamic section: %w", err)
	}
	if len(libs) > 0 {
		return fmt.Errorf("%w (needs %v)", errNotStatic, libs)
	}
	return nil
}

func trimNUL(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}
