# direkt relay: the VPS side. direkt sends this script over SSH (`sh -s`, as root or through
# `sudo -n`), after lines that set ACTION, IFACE, VPS_TUN, BOX_TUN, TUN_PREFIX, LISTEN_PORT,
# BOX_PUB, TCP_PORTS, UDP_PORTS, MTU and SNAT. It uses standard parts only: WireGuard (the
# kernel's, or wireguard-go), nftables, IPv4 forwarding.
#
# ACTION=apply   bring the VPS into the relay's state (idempotent; each change is one
#                "did: ..." line); the first apply records what it changed in
#                /var/lib/direkt-relay/changed, and any failure of a first apply undoes it all
# ACTION=check   report (never change) what is in place: "have: key=value" lines
# ACTION=remove  undo what /var/lib/direkt-relay/changed lists, then forget it all
#
# Exit codes: 0 done; 10 not root; 11 no WireGuard (neither the kernel module nor
# wireguard-go); 12 no nft; 13 no ip (iproute2); 14 a port to forward is the SSH port;
# 20 applying failed (rolled back); 21 removing failed.
set -u
umask 077
STATE=/var/lib/direkt-relay
TABLE=direkt_relay
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH

did() { printf 'did: %s\n' "$*"; }
have() { printf 'have: %s\n' "$*"; }
die() {
	code=$1
	shift
	printf 'direkt-error: %s\n' "$*" >&2
	exit "$code"
}

[ "$(id -u)" = 0 ] || die 10 "not running as root"
command -v ip >/dev/null 2>&1 || die 13 "ip (iproute2) is not installed"

iface_up() { ip link show "$IFACE" >/dev/null 2>&1; }

# kernel | wireguard-go | none
wg_impl() {
	if ip link add direkt-wgprobe type wireguard >/dev/null 2>&1; then
		ip link del direkt-wgprobe >/dev/null 2>&1
		echo kernel
	elif command -v wireguard-go >/dev/null 2>&1 && [ -c /dev/net/tun ]; then
		echo wireguard-go
	else
		echo none
	fi
}

ruleset() {
	tcp=$(echo "$TCP_PORTS" | sed 's/ \{1,\}/, /g')
	udp=$(echo "$UDP_PORTS" | sed 's/ \{1,\}/, /g')
	echo "table inet $TABLE {"
	echo "  chain prerouting {"
	echo "    type nat hook prerouting priority dstnat - 5; policy accept;"
	[ -n "$tcp" ] && echo "    iifname != \"$IFACE\" meta nfproto ipv4 fib daddr type local tcp dport { $tcp } dnat ip to $BOX_TUN"
	[ -n "$udp" ] && echo "    iifname != \"$IFACE\" meta nfproto ipv4 fib daddr type local udp dport { $udp } dnat ip to $BOX_TUN"
	echo "  }"
	echo "  chain input {"
	echo "    type filter hook input priority filter - 5; policy accept;"
	echo "    iifname \"$IFACE\" accept"
	echo "  }"
	echo "  chain forward {"
	echo "    type filter hook forward priority filter - 5; policy accept;"
	echo "    oifname \"$IFACE\" tcp flags syn tcp option maxseg size set rt mtu"
	echo "    iifname \"$IFACE\" tcp flags syn tcp option maxseg size set rt mtu"
	echo "  }"
	echo "  chain postrouting {"
	echo "    type nat hook postrouting priority srcnat - 5; policy accept;"
	[ "$SNAT" = 1 ] && echo "    oifname \"$IFACE\" ct status dnat masquerade"
	# the box's own connections from its tunnel address (doctor's probe requests) leave as
	# the VPS, so the probe connects back through the relay
	echo "    ip saddr $BOX_TUN oifname != \"$IFACE\" masquerade"
	echo "  }"
	echo "}"
}

rules_present() {
	nft list table inet "$TABLE" >/dev/null 2>&1
}

# Rules in place match the wanted ports (a changed port list is re-applied).
rules_current() {
	rules_present || return 1
	[ -f "$STATE/ports" ] && [ "$(cat "$STATE/ports")" = "v3 tcp:$TCP_PORTS udp:$UDP_PORTS snat:$SNAT" ]
}

record() { echo "$1" >>"$STATE/changed"; }

undo() {
	[ -f "$STATE/changed" ] || return 0
	rc=0
	if grep -qx "rules" "$STATE/changed"; then
		if rules_present; then nft delete table inet "$TABLE" || rc=1; fi
	fi
	if grep -qx "iface" "$STATE/changed"; then
		if iface_up; then ip link del "$IFACE" || rc=1; fi
		rm -f "/run/wireguard/$IFACE.sock"
	fi
	before=$(sed -n 's/^ip_forward_before=//p' "$STATE/changed" | head -n 1)
	if [ -n "$before" ]; then
		echo "$before" >/proc/sys/net/ipv4/ip_forward || rc=1
	fi
	return $rc
}

apply() {
	[ -n "$TCP_PORTS$UDP_PORTS" ] || die 20 "no ports to forward"
	ssh_port=$(echo "${SSH_CONNECTION:-}" | awk '{print $4}')
	for p in $TCP_PORTS; do
		[ "$p" = "${ssh_port:-22}" ] && die 14 "TCP port $p is the port this SSH session uses"
	done
	command -v nft >/dev/null 2>&1 || die 12 "nft (nftables) is not installed"
	command -v wg >/dev/null 2>&1 || die 11 "wg (wireguard-tools) is not installed"
	impl=existing
	if ! iface_up; then
		impl=$(wg_impl)
		[ "$impl" = none ] && die 11 "the kernel has no wireguard module and wireguard-go is not installed"
	fi
	first=0
	if [ ! -f "$STATE/changed" ]; then
		first=1
		mkdir -p "$STATE" || die 20 "cannot create $STATE"
		: >"$STATE/changed"
		echo "ip_forward_before=$(cat /proc/sys/net/ipv4/ip_forward)" >>"$STATE/changed"
	fi
	if ! apply_steps "$impl"; then
		if [ "$first" = 1 ]; then
			undo
			rm -rf "$STATE"
			die 20 "applying failed; everything this run changed was undone"
		fi
		die 20 "applying failed"
	fi
	have "vps_public_key=$(wg pubkey <"$STATE/wg.key")"
	have "implementation=$(cat "$STATE/implementation" 2>/dev/null || echo unknown)"
}

apply_steps() {
	impl=$1
	if [ ! -s "$STATE/wg.key" ]; then
		wg genkey >"$STATE/wg.key.new" && mv "$STATE/wg.key.new" "$STATE/wg.key" || return 1
		did "made a WireGuard key for the VPS"
	fi
	if [ "$impl" != existing ]; then
		grep -qx iface "$STATE/changed" || record iface
		if [ "$impl" = kernel ]; then
			ip link add "$IFACE" type wireguard || return 1
		else
			rm -f "/run/wireguard/$IFACE.sock"
			wireguard-go "$IFACE" >/dev/null 2>&1 </dev/null || return 1
		fi
		echo "$impl" >"$STATE/implementation"
		did "started the WireGuard interface $IFACE ($impl)"
	fi
	for p in $(wg show "$IFACE" peers 2>/dev/null); do
		[ "$p" = "$BOX_PUB" ] || wg set "$IFACE" peer "$p" remove
	done
	if ! wg show "$IFACE" peers 2>/dev/null | grep -qx "$BOX_PUB"; then
		did "added the box as the tunnel's peer"
	fi
	wg set "$IFACE" listen-port "$LISTEN_PORT" private-key "$STATE/wg.key" \
		peer "$BOX_PUB" allowed-ips "$BOX_TUN/32" || return 1
	if ! ip -4 addr show dev "$IFACE" | grep -q "inet $VPS_TUN/"; then
		ip addr replace "$VPS_TUN/$TUN_PREFIX" dev "$IFACE" || return 1
		did "gave $IFACE the address $VPS_TUN/$TUN_PREFIX"
	fi
	ip link set "$IFACE" mtu "$MTU" up || return 1
	if [ "$(cat /proc/sys/net/ipv4/ip_forward)" != 1 ]; then
		echo 1 >/proc/sys/net/ipv4/ip_forward || return 1
		did "switched on IPv4 forwarding"
	fi
	if ! rules_current; then
		grep -qx rules "$STATE/changed" || record rules
		had=0
		rules_present && had=1
		{
			echo "table inet $TABLE {}"
			echo "delete table inet $TABLE"
			ruleset
		} | nft -f - || return 1
		echo "v3 tcp:$TCP_PORTS udp:$UDP_PORTS snat:$SNAT" >"$STATE/ports"
		if [ "$had" = 1 ]; then
			did "updated the forwarding rules (nftables table inet $TABLE)"
		else
			did "added the forwarding rules (nftables table inet $TABLE: TCP ${TCP_PORTS:-none}, UDP ${UDP_PORTS:-none} to $BOX_TUN)"
		fi
	fi
	return 0
}

check() {
	if [ -f "$STATE/changed" ]; then have "configured=yes"; else have "configured=no"; fi
	if iface_up; then have "iface=up"; else have "iface=missing"; fi
	if rules_present; then
		if rules_current; then have "rules=present"; else have "rules=stale"; fi
	else
		have "rules=missing"
	fi
	have "ip_forward=$(cat /proc/sys/net/ipv4/ip_forward)"
	if iface_up; then
		hs=$(wg show "$IFACE" latest-handshakes 2>/dev/null | awk -v k="$BOX_PUB" '$1 == k {print $2}')
		have "latest_handshake=${hs:-0}"
	fi
	have "now=$(date +%s)"
}

remove() {
	if [ ! -f "$STATE/changed" ]; then
		have "configured=no"
		return 0
	fi
	undo || die 21 "removing failed; what remains is listed in $STATE/changed"
	grep -qx rules "$STATE/changed" && did "removed the forwarding rules (nftables table inet $TABLE)"
	grep -qx iface "$STATE/changed" && did "removed the WireGuard interface $IFACE"
	before=$(sed -n 's/^ip_forward_before=//p' "$STATE/changed" | head -n 1)
	[ "$before" = 0 ] && did "switched IPv4 forwarding back off"
	rm -rf "$STATE"
	did "removed $STATE"
}

case "$ACTION" in
apply) apply ;;
check) check ;;
remove) remove ;;
*) die 20 "unknown action $ACTION" ;;
esac
