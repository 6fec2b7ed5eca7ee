# deploy/kubernetes: nbgrader settings of every staff member's server (as deploy/jupyterhub/setup.sh
# writes them for one machine; the exchange volume is mounted at the same path).
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "safety-first-ml"
c.Exchange.root = "/srv/safety-first-ml/exchange"
c.Exchange.timezone = "UTC"
c.ExchangeFactory.submit = "safety_exchange.PrivateSubmit"
c.ExchangeFactory.collect = "safety_exchange.OwnerCheckedCollect"
# The course volume, mounted in staff pods only.
c.CourseDirectory.root = "/srv/safety-first-ml/course"
c.CourseDirectory.groupshared = True
