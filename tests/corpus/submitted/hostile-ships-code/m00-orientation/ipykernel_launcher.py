import builtins
builtins.SHIPPED_CODE_RAN = True
from ipykernel import kernelapp
kernelapp.launch_new_instance()
