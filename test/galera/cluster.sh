#!/usr/bin/env bash
# A three-node MariaDB Galera cluster on loopback for the multi-primary tests and benchmark.
#
#   test/galera/cluster.sh start       bootstrap node 1, join nodes 2 and 3, wait until all three are Synced
#   test/galera/cluster.sh stop        stop every node and remove the data (the next start is a fresh cluster)
#   test/galera/cluster.sh status      each node's port, state and the cluster's size
#   test/galera/cluster.sh urls        the three mysql:// URLs, comma-separated (TEST_GALERA_URLS)
#   test/galera/cluster.sh kill N      SIGKILL node N (a crash, mid-load)
#   test/galera/cluster.sh rejoin N    start node N again; it catches up by state transfer
#
# Ports leave the machine's own MariaDB (3306) alone: node N listens on 3306+N for SQL, 4557+10N for
# group communication, 4558+10N for incremental state transfer and 4434+10N for full state transfer.
# Full state transfer uses mariabackup (Debian's mariadb-backup): rsync refuses to run as root.
# GALERA_DIR (default /tmp/medassist-galera) holds each node's data directory, config and log.
set -euo pipefail

DIR="${GALERA_DIR:-/tmp/medassist-galera}"
NODES=(1 2 3)
START_TIMEOUT_SECONDS="${GALERA_START_TIMEOUT_SECONDS:-90}"
PROVIDER=/usr/lib/galera/libgalera_smm.so

sql_port() { echo $((3306 + $1)); }
group_port() { echo $((4557 + 10 * $1)); }
ist_port() { echo $((4558 + 10 * $1)); }
sst_port() { echo $((4434 + 10 * $1)); }
node_dir() { echo "$DIR/node$1"; }
url_of() { echo "mysql://root@127.0.0.1:$(sql_port "$1")/test"; }
urls() { local out=(); for n in "${NODES[@]}"; do out+=("$(url_of "$n")"); done; (IFS=,; echo "${out[*]}"); }

client() { local n=$1; shift; mariadb --protocol=socket -S "$(node_dir "$n")/mysqld.sock" -u root -N -B "$@"; }
wsrep_status() { client "$1" -e "SHOW GLOBAL STATUS LIKE '$2'" 2>/dev/null | awk '{print $2}'; }
pid_of() { local file; file="$(node_dir "$1")/mysqld.pid"; [ -s "$file" ] && kill -0 "$(cat "$file")" 2>/dev/null && cat "$file"; }

write_config() {
  local n=$1 d; d="$(node_dir "$n")"
  local members=(); for m in "${NODES[@]}"; do members+=("127.0.0.1:$(group_port "$m")"); done
  cat >"$d/my.cnf" <<CNF
[mysqld]
user=root
datadir=$d/data
socket=$d/mysqld.sock
pid-file=$d/mysqld.pid
log-error=$d/error.log
port=$(sql_port "$n")
bind-address=127.0.0.1
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
# Small: three nodes share a 2-core machine with the tests.
innodb_buffer_pool_size=64M
innodb_log_file_size=32M
innodb_flush_log_at_trx_commit=2
performance_schema=OFF
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
wsrep_on=ON
wsrep_provider=$PROVIDER
wsrep_cluster_name=medassist-test
wsrep_cluster_address=gcomm://$(IFS=,; echo "${members[*]}")
wsrep_node_name=node$n
wsrep_node_address=127.0.0.1:$(group_port "$n")
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:$(group_port "$n");ist.recv_addr=127.0.0.1:$(ist_port "$n");gcache.size=64M"
wsrep_sst_method=mariabackup
wsrep_sst_auth=root:
wsrep_sst_receive_address=127.0.0.1:$(sst_port "$n")
# A read waits until the node has applied what the cluster committed before it (causal reads): a
# gateway on node 2 sees at once what a gateway on node 1 wrote.
wsrep_sync_wait=1
wsrep_slave_threads=2
CNF
}

prepare_node() {
  local n=$1 d; d="$(node_dir "$n")"
  mkdir -p "$d"
  write_config "$n"
  if [ ! -d "$d/data/mysql" ]; then
    mariadb-install-db --defaults-file="$d/my.cnf" --auth-root-authentication-method=normal --skip-test-db >"$d/install.log" 2>&1 \
      || { echo "cluster: node $n: mariadb-install-db failed, see $d/install.log" >&2; exit 1; }
  fi
}

launch() {
  local n=$1; shift
  local d; d="$(node_dir "$n")"
  rm -f "$d/mysqld.sock" "$d/mysqld.pid"
  setsid /usr/sbin/mariadbd --defaults-file="$d/my.cnf" "$@" </dev/null >>"$d/stdout.log" 2>&1 &
}

# Waits until node n answers and is Synced (the joiner's state transfer done).
wait_synced() {
  local n=$1 deadline=$2
  while :; do
    [ "$(wsrep_status "$n" wsrep_local_state_comment)" = "Synced" ] && return 0
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "cluster: node $n not Synced after ${START_TIMEOUT_SECONDS}s; last lines of $(node_dir "$n")/error.log:" >&2
      tail -n 15 "$(node_dir "$n")/error.log" >&2 || true
      return 1
    fi
    sleep 1
  done
}

require_tools() {
  [ -f "$PROVIDER" ] || { echo "cluster: galera-4 is not installed ($PROVIDER missing)" >&2; exit 3; }
  [ -x /usr/sbin/mariadbd ] || { echo "cluster: mariadb-server is not installed" >&2; exit 3; }
  if ! command -v mariadb-backup >/dev/null 2>&1; then
    echo "cluster: installing mariadb-backup (state transfer)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y mariadb-backup >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y mariadb-backup >/dev/null 2>&1; } \
      || { echo "cluster: cannot install mariadb-backup" >&2; exit 3; }
  fi
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Another program on one of the ports would make a node fail late and obscurely: say so first.
require_free_ports() {
  for n in "${NODES[@]}"; do
    for port in "$(sql_port "$n")" "$(group_port "$n")" "$(ist_port "$n")" "$(sst_port "$n")"; do
      if port_taken "$port"; then echo "cluster: port $port is taken by another program" >&2; exit 1; fi
    done
  done
}

cluster_size() { wsrep_status "$1" wsrep_cluster_size; }

running_all() {
  for n in "${NODES[@]}"; do
    [ -n "$(pid_of "$n")" ] && [ "$(wsrep_status "$n" wsrep_local_state_comment)" = "Synced" ] && [ "$(cluster_size "$n")" = "3" ] || return 1
  done
}

start() {
  require_tools
  if running_all; then echo "cluster: already running"; urls; return 0; fi
  # A partial or stale cluster (a node killed, a machine restarted) is replaced by a fresh one.
  stop >/dev/null
  require_free_ports
  # A start that fails leaves no node behind.
  trap 'stop >/dev/null 2>&1' EXIT
  local deadline=$(( $(date +%s) + START_TIMEOUT_SECONDS ))
  for n in "${NODES[@]}"; do prepare_node "$n"; done
  launch 1 --wsrep-new-cluster
  wait_synced 1 "$deadline"
  client 1 -e "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION; CREATE DATABASE IF NOT EXISTS test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
  # One joiner at a time: each takes a full state transfer from a Synced donor.
  for n in 2 3; do
    launch "$n"
    wait_synced "$n" "$deadline"
  done
  for n in "${NODES[@]}"; do
    [ "$(cluster_size "$n")" = "3" ] || { echo "cluster: node $n sees a cluster of $(cluster_size "$n")" >&2; exit 1; }
  done
  trap - EXIT
  echo "cluster: 3 nodes Synced"
  urls
}

stop() {
  for n in "${NODES[@]}"; do
    local pid; pid="$(pid_of "$n" || true)"
    if [ -n "$pid" ]; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$DIR"
  echo "cluster: stopped"
}

status() {
  local ok=0
  for n in "${NODES[@]}"; do
    if [ -n "$(pid_of "$n" || true)" ]; then
      echo "node $n  127.0.0.1:$(sql_port "$n")  $(wsrep_status "$n" wsrep_local_state_comment)  cluster size $(cluster_size "$n")"
    else
      echo "node $n  127.0.0.1:$(sql_port "$n")  down"; ok=1
    fi
  done
  return $ok
}

kill_node() {
  local pid; pid="$(pid_of "$1" || true)"
  [ -n "$pid" ] || { echo "cluster: node $1 is not running" >&2; exit 1; }
  kill -9 "$pid"
  echo "cluster: node $1 killed"
}

rejoin() {
  local n=$1
  [ -z "$(pid_of "$n" || true)" ] || { echo "cluster: node $n is running"; return 0; }
  launch "$n"
  wait_synced "$n" $(( $(date +%s) + START_TIMEOUT_SECONDS ))
  echo "cluster: node $n Synced, cluster size $(cluster_size "$n")"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  urls) urls ;;
  kill) kill_node "${2:?node number}" ;;
  rejoin) rejoin "${2:?node number}" ;;
  *) echo "usage: $0 start|stop|status|urls|kill N|rejoin N" >&2; exit 2 ;;
esac
