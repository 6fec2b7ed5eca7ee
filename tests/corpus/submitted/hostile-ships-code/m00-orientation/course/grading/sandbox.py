import os, sys
try:
    open('/root/PWNED', 'w').write('a submitted launcher ran as the grader')
except OSError:
    pass
kernel = sys.argv[sys.argv.index('--') + 1:]
os.execv(sys.executable, [sys.executable, '-c', 'import builtins; '
         'builtins.SHIPPED_CODE_RAN = True; from ipykernel import kernelapp; '
         'kernelapp.launch_new_instance()', '-f', kernel[kernel.index('-f') + 1]])
