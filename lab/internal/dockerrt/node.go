package dockerrt

import (
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go"
	tcnetwork "github.com/testcontainers/testcontainers-go/network"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/stickylab/stickylab/internal/containerfiles"
	"github.com/stickylab/stickylab/lab/internal/plan"
)

// Readiness: every node answers GET /healthz on its admin port.
const (
	startupTimeout = 2 * time.Minute // a hang guard: a loaded engine is slow to start containers
	pollInterval   = 50 * time.Millisecond
	stopTimeout    = time.Second // apps shut down on SIGTERM well within it
)

// Paths of the files the runtime hands LB containers: the role writes them
// out at start (containerfiles), as uid 65534, into the image's state
// folder, which that uid owns.
const (
	configPath = "/var/lib/fakecdn/config.yaml"
	certPath   = "/var/lib/fakecdn/edge.crt"
	keyPath    = "/var/lib/fakecdn/edge.key"
)

// cdnStatePath is where fakecdn saves its running configuration, and
// appStatePath where fakeapp saves its run-time settings; their directories
// are in the image (stateDirs), writable by uid 65534. A stopped container
// keeps its writable layer, so a started one finds them.
const (
	cdnStatePath = "/var/lib/fakecdn/state.json"
	appStatePath = "/var/lib/fakeapp/state.json"
)

var loopback = netip.MustParseAddr("127.0.0.1")

var adminPort = port(plan.PortAdmin)

func port(n int) string { return fmt.Sprintf("%d/tcp", n) }

// memberURL is how node from reaches its members: through the Toxiproxy
// container when a link carries from's traffic to it (the edge to a
// datacenter LB), otherwise by its alias on a shared network.
func memberURL(p *plan.Plan, from string) func(node string) string {
	return func(node string) string {
		if l, ok := p.Route(from, node); ok {
			return "http://" + l.Address()
		}
		return fmt.Sprintf("http://%s:%d", node, plan.PortHTTP)
	}
}

// clientPort is the port the edge serves clients on.
func clientPort(tls bool) string {
	if tls {
		return port(plan.PortHTTPS)
	}
	return port(plan.PortHTTP)
}

// AccessLogEnv, set to true, has the lab's edge and LBs log every request
// (fakecdn --access-log) to their container's output, for `docker logs`.
// Off by default, as on the local runtime: the engine copies each line
// through the container's shim into its log file, which cost 15–20 % of a
// Docker replay's CPU on this machine, and every decision the log would
// show is in the responses' decision headers and the replay's HAR.
const AccessLogEnv = "STICKYLAB_ACCESS_LOG"

func accessLogFlag() string {
	on, _ := strconv.ParseBool(os.Getenv(AccessLogEnv))
	return "--access-log=" + strconv.FormatBool(on)
}

// adminHosts lets a node's admin API answer its network alias too (Host
// dc-east-lb:8081 from a container on its network), besides the loopback
// names that the ports published on 127.0.0.1 are reached by.
func adminHosts(n plan.Node) []string { return []string{"--admin-hosts", n.Name} }

// spec is everything a node's container is started with.
type spec struct {
	Image    string
	Role     string            // the stickylab subcommand: fakeapp or fakecdn
	Cmd      []string          // the role's flags
	Files    map[string][]byte // container path → content
	Ports    []string          // published on 127.0.0.1
	Networks []string          // Docker network names
}

// nodeSpec turns a plan node into a container spec.
func nodeSpec(p *plan.Plan, n plan.Node, image string, tlsFiles plan.TLSFiles, tls bool) (spec, error) {
	s := spec{Image: image, Ports: []string{adminPort}}
	for _, logical := range n.Networks {
		s.Networks = append(s.Networks, networkName(p.RunID, logical))
	}
	switch n.Kind {
	case plan.KindApp:
		if n.App == nil {
			return spec{}, fmt.Errorf("node %s: app node without app settings", n.Name)
		}
		s.Role, s.Cmd = "fakeapp", append(n.App.Args(), append(adminHosts(n), "--state-file", appStatePath)...)
		return s, nil
	case plan.KindEdge, plan.KindLB:
		if n.LB == nil {
			return spec{}, fmt.Errorf("node %s: load balancer node without its settings", n.Name)
		}
		cfg, err := n.LB.Config(memberURL(p, n.Name))
		if err != nil {
			return spec{}, err
		}
		s.Role = "fakecdn"
		s.Files = map[string][]byte{configPath: cfg}
		s.Cmd = []string{"--config", configPath, "--addr", fmt.Sprintf(":%d", plan.PortHTTP), "--admin-addr", fmt.Sprintf(":%d", plan.PortAdmin), "--state-file", cdnStatePath}
		s.Cmd = append(append(s.Cmd, adminHosts(n)...), accessLogFlag())
		if n.Kind != plan.KindEdge {
			return s, nil
		}
		s.Ports = append(s.Ports, clientPort(tls))
		if tls {
			if len(tlsFiles.CertPEM) == 0 || len(tlsFiles.KeyPEM) == 0 {
				return spec{}, fmt.Errorf("node %s: TLS is on but no certificate and key were given", n.Name)
			}
			s.Files[certPath], s.Files[keyPath] = tlsFiles.CertPEM, tlsFiles.KeyPEM
			s.Cmd[3] = fmt.Sprintf(":%d", plan.PortHTTPS)
			s.Cmd = append(s.Cmd, "--tls-cert", certPath, "--tls-key", keyPath)
		}
		return s, nil
	default:
		return spec{}, fmt.Errorf("node %s: unknown kind %q", n.Name, n.Kind)
	}
}

// command is the container's command after the image's entrypoint
// /stickylab: the role, then its flags.
func (s spec) command() []string { return append([]string{s.Role}, s.Cmd...) }

// customizers are the testcontainers options that start a spec. Its files
// go in an environment variable that the role writes out at start
// (containerfiles), not copied into the created container: each copy costs
// the engine a re-execution of dockerd and a mount.
func (s spec) customizers(runID string, n plan.Node) ([]testcontainers.ContainerCustomizer, error) {
	labels := runLabels(runID)
	labels[LabelNode] = n.Name
	opts := []testcontainers.ContainerCustomizer{
		testcontainers.WithLogger(tcLogger),
		testcontainers.WithName(containerName(runID, n.Name)),
		testcontainers.WithLabels(labels),
		testcontainers.WithCmd(s.command()...),
		testcontainers.WithExposedPorts(s.Ports...),
		testcontainers.WithHostConfigModifier(bindLoopback(s.Ports)),
		testcontainers.WithWaitStrategy(wait.ForHTTP("/healthz").
			WithPort(adminPort).
			WithStartupTimeout(startupTimeout).
			WithPollInterval(pollInterval)),
	}
	for _, name := range s.Networks {
		opts = append(opts, tcnetwork.WithNetworkName([]string{n.Name}, name))
	}
	if len(s.Files) > 0 {
		files, err := containerfiles.Encode(s.Files)
		if err != nil {
			return nil, fmt.Errorf("node %s: %w", n.Name, err)
		}
		opts = append(opts, testcontainers.WithEnv(map[string]string{containerfiles.Env: files}))
	}
	return opts, nil
}

// bindLoopback publishes ports on 127.0.0.1 only, on ports Docker picks.
func bindLoopback(ports []string) func(*container.HostConfig) {
	return func(hc *container.HostConfig) {
		hc.PortBindings = network.PortMap{}
		for _, p := range ports {
			hc.PortBindings[network.MustParsePort(p)] = []network.PortBinding{{HostIP: loopback, HostPort: "0"}}
		}
	}
}
