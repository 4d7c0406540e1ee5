#!/usr/bin/python3
# mailprov_desired - Ansible module of the mailprov role: place a desired
# state on the host and apply it with mailprov, or plan it in check mode.
#
# The steps, all on the target:
#   1. the content is written to a private temporary file (mode 0600) and
#      checked with `mailprov validate`; errors are mailprov's own
#      file:line:col lines, with the temporary name replaced by src_name;
#   2. check mode: `mailprov plan --json` on that file; exit 2 (changes)
#      is changed, 0 is ok, 1 is failed; nothing is written on the host;
#   3. otherwise the file replaces dest atomically when its bytes differ
#      (owner root, mode 0600), then `mailprov apply --json -f dest`;
#      last_run.outcome "changed" is changed, "converged" is ok (changed
#      if only dest was replaced), "failed" is failed with its error;
#      via=incoming drops the file into mailprovd's incoming directory
#      instead (mailprovd applies it; changed when dest differs).
# In diff mode the result carries plan's (or apply's) unified diff of the
# mail files.  The desired state itself is never returned or logged
# (no_log): it may name secret files, and the role promises not to print
# secrets.
import json
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r'''
module: mailprov_desired
short_description: validate, place and apply a mailprov desired state
options:
  content: {type: str, required: true, description: the desired state (YAML text)}
  src_name: {type: str, default: desired.yaml, description: the name used in error messages}
  dest: {type: path, default: /etc/mailprov/desired.yaml}
  via: {type: str, choices: [apply, incoming], default: apply}
  incoming: {type: path, default: /var/mailprov/incoming}
  mailprov: {type: path, default: /usr/sbin/mailprov}
  root: {type: path, description: mailprov --root}
  src_backend: {type: str, choices: [exec, mock]}
  sendmail: {type: path}
  state_dir: {type: path}
'''


def common_args(p):
    args = []
    for opt, key in (('--root', 'root'), ('--src-backend', 'src_backend'),
                     ('--sendmail', 'sendmail'), ('--state-dir', 'state_dir')):
        if p[key]:
            args += [opt, p[key]]
    return args


def doc_of(module, out):
    try:
        return json.loads(out)
    except ValueError:
        return None


def same_bytes(path, data):
    try:
        with open(path, 'rb') as f:
            return f.read() == data
    except OSError:
        return False


def place(path, data, mode):
    """Replace path with data atomically: a temporary file beside it,
    fsync, rename, fsync of the directory."""
    d = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix='.desired.ansible.', dir=d)
    try:
        with os.fdopen(fd, 'wb') as f:
            os.fchmod(f.fileno(), mode)
            if os.geteuid() == 0:
                os.fchown(f.fileno(), 0, 0)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    dfd = os.open(d, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            content=dict(type='str', required=True, no_log=True),
            src_name=dict(type='str', default='desired.yaml'),
            dest=dict(type='path', default='/etc/mailprov/desired.yaml'),
            via=dict(type='str', choices=['apply', 'incoming'], default='apply'),
            incoming=dict(type='path', default='/var/mailprov/incoming'),
            mailprov=dict(type='path', default='/usr/sbin/mailprov'),
            root=dict(type='path'),
            src_backend=dict(type='str', choices=['exec', 'mock']),
            sendmail=dict(type='path'),
            state_dir=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    p = module.params
    data = p['content'].encode('utf-8')
    mp = p['mailprov']
    if not os.access(mp, os.X_OK):
        module.fail_json(msg='%s is not installed (install the mailprov package first)' % mp)
    tmpdir = tempfile.mkdtemp(prefix='mailprov-ansible-')
    cand = os.path.join(tmpdir, 'desired.yaml')
    result = dict(changed=False, dest=p['dest'])
    try:
        fd = os.open(cand, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, data)
        os.close(fd)

        # 1. validate
        rc, out, err = module.run_command([mp, 'validate', '-f', cand])
        if rc != 0:
            lines = [l.replace(cand, p['src_name'], 1)
                     for l in err.splitlines() + out.splitlines() if l.strip()]
            module.fail_json(msg='invalid desired state: ' + '; '.join(lines),
                             errors=lines, changed=False)
        file_differs = not same_bytes(p['dest'], data)

        # 2. check mode: plan, write nothing
        if module.check_mode:
            rc, out, err = module.run_command(
                [mp, 'plan', '--json', '-f', cand] + common_args(p))
            doc = doc_of(module, out)
            if rc not in (0, 2) or doc is None:
                module.fail_json(msg='mailprov plan failed (exit %d): %s' %
                                 (rc, err.strip().replace(cand, p['src_name'])))
            run = doc.get('last_run', {})
            result.update(changed=(rc == 2 or file_differs),
                          outcome=run.get('outcome', ''),
                          files_changed=run.get('files_changed', []),
                          src_actions=run.get('src_actions', []),
                          desired_file_differs=file_differs)
            if module._diff:
                result['diff'] = dict(prepared=run.get('diff', ''))
            module.exit_json(**result)

        # 3. place, then apply (or hand to mailprovd)
        if p['via'] == 'incoming':
            if file_differs:
                place(os.path.join(p['incoming'], 'desired.yaml'), data, 0o600)
            result.update(changed=file_differs, outcome='dropped into incoming'
                          if file_differs else 'unchanged')
            module.exit_json(**result)
        if file_differs:
            place(p['dest'], data, 0o600)
        rc, out, err = module.run_command(
            [mp, 'apply', '--json', '-f', p['dest']] + common_args(p))
        doc = doc_of(module, out)
        run = (doc or {}).get('last_run', {})
        outcome = run.get('outcome', '')
        result.update(outcome=outcome,
                      files_changed=run.get('files_changed', []),
                      src_actions=run.get('src_actions', []),
                      backups=run.get('backups', []),
                      desired_file_replaced=file_differs)
        if module._diff:
            result['diff'] = dict(prepared=run.get('diff', ''))
        if rc != 0 or outcome == 'failed' or doc is None:
            result['changed'] = file_differs
            module.fail_json(msg='mailprov apply failed (exit %d): %s' %
                             (rc, run.get('error') or err.strip()), **result)
        result['changed'] = outcome == 'changed' or file_differs
        module.exit_json(**result)
    finally:
        for f in (cand,):
            if os.path.exists(f):
                os.unlink(f)
        os.rmdir(tmpdir)


if __name__ == '__main__':
    main()
