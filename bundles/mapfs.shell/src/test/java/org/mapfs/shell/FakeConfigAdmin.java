package org.mapfs.shell;

import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * ConfigurationAdmin in memory, as far as the shell uses it: factory configurations, update, delete, and
 * listing by filter (matched by the framework's own filter implementation). A configuration is listed once it
 * has properties, and a deleted one throws IllegalStateException when used, as in Felix's.
 */
final class FakeConfigAdmin implements ConfigurationAdmin {
	final Map<String, FakeConfiguration> configs = new TreeMap<>();
	private int generated;

	@Override
	public Configuration getFactoryConfiguration(String factoryPid, String name, String location) {
		return configs.computeIfAbsent(factoryPid + "~" + name, pid -> new FakeConfiguration(pid, factoryPid));
	}

	@Override
	public Configuration[] listConfigurations(String filter) throws InvalidSyntaxException {
		Filter f = FrameworkUtil.createFilter(filter);
		Configuration[] found = configs.values().stream()
				.filter(c -> c.properties != null && f.match(c.getProperties())).toArray(Configuration[]::new);
		return found.length == 0 ? null : found;
	}

	/** The properties of a configuration, without ConfigAdmin's own. */
	Map<String, Object> properties(String pid) {
		Map<String, Object> map = new TreeMap<>();
		Dictionary<String, Object> props = configs.get(pid).properties;
		for (Enumeration<String> keys = props.keys(); keys.hasMoreElements();) {
			String key = keys.nextElement();
			map.put(key, props.get(key));
		}
		return map;
	}

	final class FakeConfiguration implements Configuration {
		final String pid;
		final String factoryPid;
		Dictionary<String, Object> properties;
		long changeCount;
		boolean deleted;

		FakeConfiguration(String pid, String factoryPid) {
			this.pid = pid;
			this.factoryPid = factoryPid;
		}

		private void checkDeleted() {
			if (deleted) {
				throw new IllegalStateException("Configuration " + pid + " deleted");
			}
		}

		@Override
		public String getPid() {
			checkDeleted();
			return pid;
		}

		@Override
		public String getFactoryPid() {
			checkDeleted();
			return factoryPid;
		}

		/** A copy with ConfigAdmin's properties, as Felix's returns. */
		@Override
		public Dictionary<String, Object> getProperties() {
			checkDeleted();
			if (properties == null) {
				return null;
			}
			Hashtable<String, Object> copy = new Hashtable<>();
			for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
				String key = keys.nextElement();
				copy.put(key, properties.get(key));
			}
			copy.put(Constants.SERVICE_PID, pid);
			copy.put(ConfigurationAdmin.SERVICE_FACTORYPID, factoryPid);
			return copy;
		}

		@Override
		public void update(Dictionary<String, ?> props) {
			checkDeleted();
			Hashtable<String, Object> copy = new Hashtable<>();
			for (Enumeration<String> keys = props.keys(); keys.hasMoreElements();) {
				String key = keys.nextElement();
				if (key.equals(Constants.SERVICE_PID) || key.equals(ConfigurationAdmin.SERVICE_FACTORYPID)) {
					throw new AssertionError("the shell passed ConfigAdmin's own property " + key);
				}
				copy.put(key, props.get(key));
			}
			properties = copy;
			changeCount++;
		}

		@Override
		public void delete() {
			checkDeleted();
			deleted = true;
			configs.remove(pid);
		}

		@Override
		public long getChangeCount() {
			return changeCount;
		}

		// not used by the shell
		@Override
		public Dictionary<String, Object> getProcessedProperties(ServiceReference<?> reference) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void update() {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean updateIfDifferent(Dictionary<String, ?> properties) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void setBundleLocation(String location) {
			throw new UnsupportedOperationException();
		}

		@Override
		public String getBundleLocation() {
			throw new UnsupportedOperationException();
		}

		@Override
		public void addAttributes(ConfigurationAttribute... attrs) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Set<ConfigurationAttribute> getAttributes() {
			throw new UnsupportedOperationException();
		}

		@Override
		public void removeAttributes(ConfigurationAttribute... attrs) {
			throw new UnsupportedOperationException();
		}
	}

	// not used by the shell
	@Override
	public Configuration createFactoryConfiguration(String factoryPid) {
		throw new UnsupportedOperationException();
	}

	@Override
	public Configuration createFactoryConfiguration(String factoryPid, String location) {
		String pid = factoryPid + "." + ++generated;
		return configs.computeIfAbsent(pid, p -> new FakeConfiguration(p, factoryPid));
	}

	@Override
	public Configuration getConfiguration(String pid, String location) {
		throw new UnsupportedOperationException();
	}

	@Override
	public Configuration getConfiguration(String pid) {
		throw new UnsupportedOperationException();
	}

	@Override
	public Configuration getFactoryConfiguration(String factoryPid, String name) {
		throw new UnsupportedOperationException();
	}
}
