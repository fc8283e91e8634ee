/* firewall.c - device defaults (DOMAIN.md §5; vendors' documentation). */
#include "firewall.h"

#include <string.h>

const struct fw_device fw_devices[] = {
	{ "linux-conntrack", "Linux conntrack", 432000, FW_EXPIRY_SILENT,
	  "nf_conntrack_tcp_timeout_established" },
	{ "kube-proxy", "kube-proxy", 86400, FW_EXPIRY_SILENT, "node conntrack sysctl" },
	{ "cisco-asa", "Cisco ASA", 3600, FW_EXPIRY_SILENT,
	  "timeout conn; optional reset both ways, optional dcd" },
	{ "palo-alto", "Palo Alto", 3600, FW_EXPIRY_SILENT, "session removed" },
	{ "fortigate", "FortiGate", 3600, FW_EXPIRY_SILENT, "session-ttl" },
	{ "check-point", "Check Point", 3600, FW_EXPIRY_SILENT, "dropped out of state" },
	{ "juniper-srx", "Juniper SRX", 1800, FW_EXPIRY_SILENT, "aged out" },
	{ "f5-fastl4", "F5 BIG-IP fastL4", 300, FW_EXPIRY_RST_BOTH,
	  "resetOnTimeout on by default" },
	{ "aws-nat-gateway", "AWS NAT Gateway", 350, FW_EXPIRY_RST_NEXT,
	  "RST to the inside host when it next sends" },
	{ "aws-nlb", "AWS NLB / Network Firewall", 350, FW_EXPIRY_SILENT,
	  "keepalives refresh the timer" },
	{ "azure-lb", "Azure Load Balancer / NAT GW", 240, FW_EXPIRY_SILENT,
	  "4-100 min; optional TCP reset on idle" },
	{ "gcp-cloud-nat", "GCP Cloud NAT", 1200, FW_EXPIRY_SILENT, "" },
	{ "gcp-vpc-firewall", "GCP VPC firewall", 600, FW_EXPIRY_SILENT,
	  "inbound blocked until a new outbound packet" },
};

const size_t fw_device_count = sizeof(fw_devices) / sizeof(fw_devices[0]);

/* Every text of an expiry behaviour, in one table indexed by it. */
static const struct {
	const char *keyword, *name, *consequence;
} expiries[FW_EXPIRY_COUNT] = {
	[FW_EXPIRY_SILENT] = { "silent", "silent drop", "later packets are dropped" },
	[FW_EXPIRY_RST_NEXT] = { "rst-next", "RST on next packet", "the next packet gets a RST" },
	[FW_EXPIRY_RST_BOTH] = { "rst-both", "RST both ways", "RST to both ends" },
};

const char *fw_expiry_name(enum fw_expiry e)
{
	return (unsigned)e < FW_EXPIRY_COUNT ? expiries[e].name : "?";
}

const char *fw_expiry_keyword(enum fw_expiry e)
{
	return (unsigned)e < FW_EXPIRY_COUNT ? expiries[e].keyword : "?";
}

const char *fw_expiry_consequence(enum fw_expiry e)
{
	return (unsigned)e < FW_EXPIRY_COUNT ? expiries[e].consequence : "?";
}

int fw_expiry_parse(const char *keyword)
{
	for (int e = 0; e < FW_EXPIRY_COUNT; e++)
		if (strcmp(keyword, expiries[e].keyword) == 0)
			return e;
	return -1;
}
