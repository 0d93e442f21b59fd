package scenarios_test

import (
	"github.com/stickylab/stickylab/lab/topology"
)

// redisSessions is the incident with the architectural fix's parts: a shared
// machine key, sessions in Redis laid out as layout, and no persistence at
// the edge or at any datacenter LB.
func redisSessions(layout string) topology.Topology {
	topo := topology.Default()
	for i := range topo.Datacenters {
		topo.Datacenters[i].App.MachineKey = "shared"
		topo.Datacenters[i].App.Sessions = "redis"
		topo.Datacenters[i].LB.Persistence = "none"
	}
	topo.Redis = &topology.Redis{Layout: layout}
	return topo
}
